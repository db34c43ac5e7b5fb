"""P5: the five stages in order (no skipping), the assembly vote with quorum, ranking within the
budget, disclosed procurement, acceptance, caretaker and maintenance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event
from minyi.projects.delivery.actions import (
    MilestoneInput,
    PaymentInput,
    do_add_milestone,
    do_complete_milestone,
    do_record_payment,
)
from minyi.projects.delivery.models import Delivery
from minyi.projects.selfbuild.actions import (
    NeedInput,
    SelfBuildInput,
    do_add_need,
    do_conclude_acceptance,
    do_create_selfbuild,
    do_decide,
    do_finish_building,
    do_log_maintenance,
    do_open_acceptance_vote,
    do_open_village_vote,
    do_record_discussion,
    do_record_procurement,
    stage,
    yearly_check_due,
)
from minyi.projects.tests.delivery_support import (
    TODAY,
    actor,
    pdf,
    people_fixture,  # noqa: F401
)


@pytest.fixture
def villagers(make_person: Any, tree: Any) -> list[Any]:
    return [make_person("resident", tree.community, name=f"村民{i}") for i in range(5)]


def start(tree: Any, people: dict[str, Any]) -> Any:
    staff = actor(people["village"])
    round_ = do_create_selfbuild(
        tree.community, SelfBuildInput("2026年村级公共设施", 2026, "100000"), actor=staff
    )
    do_add_need(round_, NeedInput("硬化入户路", "三组入户路泥泞", "60000", raised_by="三组"), actor=staff)
    do_add_need(round_, NeedInput("修缮蓄水池", "蓄水池渗漏", "30000"), actor=staff)
    do_add_need(round_, NeedInput("安装路灯", "村道夜间无灯", "50000"), actor=staff)
    return round_


def test_a_stage_cannot_be_skipped(tree: Any, people: dict[str, Any], villagers: list[Any]) -> None:
    round_ = start(tree, people)
    staff = actor(people["village"])
    with pytest.raises(Conflict):
        do_open_village_vote(round_, electorate=villagers, present=villagers, actor=staff)
    with pytest.raises(Conflict):
        do_decide(round_, committee="张三", actor=staff)
    with pytest.raises(ActionError) as error:
        do_record_discussion(round_, record="", held_on=TODAY, attendance=30, actor=staff)
    assert error.value.code == "record_required"
    assert stage(round_) == "discussing"
    assert not Event.objects.filter(action__startswith="village_selfbuild.record").exists()


def test_quorum_is_required(tree: Any, people: dict[str, Any], villagers: list[Any]) -> None:
    round_ = start(tree, people)
    staff = actor(people["village"])
    do_record_discussion(round_, record="院坝会讨论三项需求", held_on=TODAY, attendance=30, actor=staff)
    with pytest.raises(ActionError):  # 2 of 5 is not more than half
        do_open_village_vote(round_, electorate=villagers, present=villagers[:2], actor=staff)
    round_.refresh_from_db()
    assert round_.decision_poll_id is None


def test_five_stages(tree: Any, people: dict[str, Any], villagers: list[Any]) -> None:
    round_ = start(tree, people)
    staff = actor(people["village"])
    needs = {n.title: n for n in round_.needs.all()}
    do_record_discussion(round_, record="院坝会讨论三项需求", held_on=TODAY, attendance=30, actor=staff)
    poll = do_open_village_vote(round_, electorate=villagers, present=villagers[:4], actor=staff)
    road, pool, lamp = (str(needs[t].pk) for t in ("硬化入户路", "修缮蓄水池", "安装路灯"))
    for person, marks in zip(
        villagers[:4], ([road, lamp], [road, pool], [road, lamp], [road, lamp]), strict=True
    ):
        do_cast_ballot(poll, marks, actor=actor(person))
    ranked = do_decide(round_, committee="张三、李四、王五", actor=staff)
    # road 4 votes, lamp 3 (> half of 4 present), pool 1 (not more than half). Budget 100000:
    # road 60000 chosen; lamp 50000 does not fit; pool fails the vote.
    by_title = {r.need.title: r for r in ranked}
    assert by_title["硬化入户路"].chosen and by_title["硬化入户路"].rank == 1
    assert not by_title["安装路灯"].chosen and by_title["安装路灯"].votes == 3
    assert not by_title["修缮蓄水池"].chosen
    assert stage(round_) == "building"
    delivery = Delivery.objects.get(subject_type="projects.need", subject_id=road)
    with pytest.raises(ActionError) as error:
        do_record_procurement(
            needs["硬化入户路"],
            kind="contract",
            supplier="村施工队",
            amount="58000",
            document=None,
            actor=staff,
        )
    assert error.value.code == "document_required"
    do_record_procurement(
        needs["硬化入户路"], kind="quote", supplier="甲公司", amount="59000", document=pdf(), actor=staff
    )
    do_record_procurement(
        needs["硬化入户路"], kind="contract", supplier="村施工队", amount="58000", document=pdf(), actor=staff
    )
    do_record_payment(
        delivery, PaymentInput("58000", TODAY, "村施工队", "工程款"), document=pdf(), actor=staff
    )
    with pytest.raises(Conflict):
        do_finish_building(round_, actor=staff)  # no milestone done yet
    milestone = do_add_milestone(
        delivery, MilestoneInput("施工", TODAY, TODAY + dt.timedelta(days=30)), actor=staff
    )
    do_complete_milestone(milestone, actual_end=timezone.localdate(), actor=staff)
    do_finish_building(round_, actor=staff)
    acceptance = do_open_acceptance_vote(round_, electorate=villagers, present=villagers[:3], actor=staff)
    for person in villagers[:3]:
        do_cast_ballot(acceptance, "yes", actor=actor(person))
    with pytest.raises(ActionError):
        do_conclude_acceptance(round_, actor=staff)  # no caretaker named
    do_conclude_acceptance(round_, caretaker=villagers[0], actor=staff)
    assert stage(round_) == "maintaining"
    round_.refresh_from_db()
    # 民评: the villagers' effect-evaluation survey exists for this round, waiting for its open date.
    from minyi.surveys.models import Survey

    survey = Survey.objects.get(pk=round_.evaluation_ref)
    assert (survey.subject_type, survey.subject_id, survey.kind, survey.state) == (
        "projects.selfbuildround",
        str(round_.pk),
        "effect",
        "draft",
    )
    assert yearly_check_due(round_)
    do_log_maintenance(
        round_, kind="yearly_check", done_on=timezone.localdate(), text="路面完好", actor=actor(villagers[0])
    )
    assert not yearly_check_due(round_)
    with pytest.raises(NotPermitted):
        do_log_maintenance(
            round_, kind="routine", done_on=timezone.localdate(), text="清扫", actor=actor(villagers[1])
        )
    assert Decimal(round_.budget) == Decimal("100000")
