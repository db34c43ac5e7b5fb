"""D5: consultation plans and items, the adviser pool, hearings (actions: events, notifications, refusals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, Notification, Person
from minyi.deliberation.actions import consultation as c
from minyi.deliberation.actions import hearings as h
from minyi.deliberation.models import (
    AdviserInvitation,
    ConsultationItem,
    ConsultationPlan,
    HearingOpinion,
    HearingState,
    SpeakerState,
)

pytestmark = pytest.mark.django_db


def chain(obj: Any) -> list[str]:
    return list(
        Event.objects.filter(chain=f"{obj._meta.label_lower}:{obj.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def officer(tree: Any, make_person: Any) -> Person:
    return make_person("district_staff", tree.district, name="王科长")


def act(person: Person) -> Actor:
    return Actor(person=person, role="district_staff", unit=None)


def item_input(tree: Any, **kw: Any) -> c.ItemInput:
    data = dict(
        title="2026年政府工作报告征求意见",
        channel="government",
        form="symposium",
        organiser=tree.department,
        starts_on=dt.date(2026, 3, 1),
        participants="人大代表、政协委员、群众代表",
    )
    data.update(kw)
    return c.ItemInput(**data)


def test_plan_items_publish_and_outcome(tree: Any, officer: Person) -> None:
    plan = c.do_create_plan(tree.district, year=2026, title="东城区2026年度协商计划", actor=act(officer))
    with pytest.raises(ActionError) as err:
        c.do_publish_plan(plan, actor=act(officer))
    assert err.value.code == "plan_empty"
    item = c.do_add_item(plan, item_input(tree), actor=act(officer))
    plan = c.do_publish_plan(plan, actor=act(officer))
    assert plan.published_at is not None
    with pytest.raises(Conflict):
        c.do_publish_plan(plan, actor=act(officer))
    with pytest.raises(ActionError) as err:
        c.do_update_item_status(item, status="done", actor=act(officer))
    assert err.value.code == "outcome_required"
    item = c.do_update_item_status(item, status="done", outcome="采纳建议12条", actor=act(officer))
    assert item.outcome == "采纳建议12条"
    with pytest.raises(Conflict):
        c.do_update_item_status(item, status="held", actor=act(officer))
    events = Event.objects.filter(chain=f"deliberation.consultationplan:{plan.pk}")
    assert list(events.order_by("seq").values_list("action", "public")) == [
        ("deliberation.plan.create", False),
        ("deliberation.plan.item_add", False),
        ("deliberation.plan.publish", True),
        ("deliberation.plan.item_status", True),
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"channel": "media"}, "channel_unknown"),
        ({"form": "phone"}, "form_unknown"),
        ({"title": "  "}, "title_required"),
        ({"starts_on": dt.date(2025, 3, 1)}, "item_year"),
        ({"ends_on": dt.date(2026, 2, 1)}, "input_invalid"),
    ],
)
def test_bad_items_write_nothing(tree: Any, officer: Person, change: dict[str, Any], code: str) -> None:
    plan = c.do_create_plan(tree.district, year=2026, title="计划", actor=act(officer))
    before = Event.objects.count()
    with pytest.raises(ActionError) as err:
        c.do_add_item(plan, item_input(tree, **change), actor=act(officer))
    assert err.value.code == code
    assert Event.objects.count() == before and not ConsultationItem.objects.exists()


def test_other_district_staff_cannot_plan(tree: Any, make_person: Any) -> None:
    stranger = make_person("district_staff", tree.other_district)
    with pytest.raises(NotPermitted):
        c.do_create_plan(tree.district, year=2026, title="计划", actor=act(stranger))
    assert not ConsultationPlan.objects.exists()


def test_advisers_invited_and_opinion_recorded(tree: Any, officer: Person, make_person: Any) -> None:
    plan = c.do_create_plan(tree.district, year=2026, title="计划", actor=act(officer))
    item = c.do_add_item(plan, item_input(tree), actor=act(officer))
    lawyer = make_person(name="赵律师")
    adviser = c.do_add_adviser(
        tree.district,
        c.AdviserInput(
            person=lawyer, kind="legal", field="行政法", title="律师", organisation="某律师事务所"
        ),
        actor=act(officer),
    )
    with pytest.raises(Conflict):
        c.do_add_adviser(
            tree.district, c.AdviserInput(person=lawyer, kind="legal", field="行政法"), actor=act(officer)
        )
    invitation = c.do_invite_adviser(item, adviser, actor=act(officer))
    note = Notification.objects.get(recipient=lawyer)
    assert note.kind == "deliberation.adviser.invited" and item.title in note.title
    with pytest.raises(Conflict):
        c.do_invite_adviser(item, adviser, actor=act(officer))
    someone = make_person(name="路人")
    with pytest.raises(NotPermitted):
        c.do_record_adviser_opinion(invitation, "意见", actor=Actor(person=someone))
    invitation = c.do_record_adviser_opinion(invitation, "建议补充合法性审查", actor=Actor(person=lawyer))
    assert invitation.opinion_at is not None
    with pytest.raises(Conflict):
        c.do_record_adviser_opinion(invitation, "再说一次", actor=Actor(person=lawyer))
    assert chain(adviser) == [
        "deliberation.adviser.add",
        "deliberation.adviser.invite",
        "deliberation.adviser.opinion",
    ]
    assert AdviserInvitation.objects.get().opinion == "建议补充合法性审查"


def make_hearing(tree: Any, officer: Person, seats: int = 2) -> Any:
    return h.do_create_hearing(
        tree.district,
        h.HearingInput(
            title="城市供水价格调整听证会",
            matter="居民生活用水价格拟由每吨2.9元调整为3.2元",
            held_at=timezone.now() + dt.timedelta(days=10),
            apply_until=timezone.localdate() + dt.timedelta(days=5),
            seats=seats,
        ),
        actor=act(officer),
    )


def test_hearing_full_cycle(tree: Any, officer: Person, make_person: Any) -> None:
    hearing = make_hearing(tree, officer)
    residents = [make_person(name=f"居民{i}") for i in range(3)]
    apps = [h.do_apply_to_speak(hearing, f"观点{i}", actor=Actor(person=p)) for i, p in enumerate(residents)]
    with pytest.raises(Conflict):
        h.do_apply_to_speak(hearing, "再报名", actor=Actor(person=residents[0]))
    with pytest.raises(ActionError) as err:
        h.do_select_speakers(hearing, apps, actor=act(officer))
    assert err.value.code == "too_many_speakers"
    hearing = h.do_select_speakers(hearing, apps[:2], actor=act(officer))
    assert hearing.state == HearingState.SELECTED
    apps[2].refresh_from_db()
    assert apps[2].state == SpeakerState.NOT_SELECTED
    assert Notification.objects.get(recipient=residents[2]).kind == "deliberation.hearing.not_selected"
    with pytest.raises(ActionError) as err:
        h.do_record_opinion(hearing, apps[2], "没被选上也要说", actor=act(officer))
    assert err.value.code == "not_speaker"
    o1 = h.do_record_opinion(hearing, apps[0], "反对一次调整到位", actor=act(officer))
    o2 = h.do_record_opinion(hearing, apps[1], "建议对低保户减免", actor=act(officer))
    with pytest.raises(ActionError) as err:
        h.do_publish_hearing(hearing, decision="分两年调整", actor=act(officer))
    assert err.value.code == "opinions_unanswered"
    with pytest.raises(ActionError) as err:
        h.do_respond_to_opinion(o1, response="partly", reason="", actor=act(officer))
    assert err.value.code == "reason_required"
    h.do_respond_to_opinion(o1, response="partly", reason="分两年调整到位", actor=act(officer))
    h.do_respond_to_opinion(o2, response="adopted", reason="", actor=act(officer))
    hearing = h.do_publish_hearing(hearing, decision="分两年调整，低保户减免", actor=act(officer))
    assert hearing.state == HearingState.PUBLISHED
    publish = Event.objects.get(
        chain=f"deliberation.hearing:{hearing.pk}", action="deliberation.hearing.publish"
    )
    assert publish.public and [o["response"] for o in publish.data["opinions"]] == ["partly", "adopted"]
    assert Notification.objects.filter(kind="deliberation.hearing.published").count() == 2
    with pytest.raises(Conflict):
        h.do_apply_to_speak(hearing, "晚了", actor=Actor(person=make_person()))
    assert HearingOpinion.objects.filter(response="").count() == 0


def test_hearing_bad_input(tree: Any, officer: Person) -> None:
    with pytest.raises(ActionError) as err:
        h.do_create_hearing(
            tree.district,
            h.HearingInput(
                title="x",
                matter="y",
                held_at=timezone.now(),
                apply_until=timezone.localdate() + dt.timedelta(days=3),
                seats=1,
            ),
            actor=act(officer),
        )
    assert err.value.code == "input_invalid"
    hearing = make_hearing(tree, officer)
    with pytest.raises(NotPermitted):
        h.do_apply_to_speak(hearing, "观点", actor=Actor(person=None, role="resident"))
