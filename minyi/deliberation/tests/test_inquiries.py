"""D6: Q&A sessions and special inquiries (questions, answers, follow-up incl. voices), appraisals with scoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Ballot, Elector, PollState
from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, Notification, Person, ProcessInstance
from minyi.deliberation.actions import appraisals as ap
from minyi.deliberation.actions import inquiries as iq
from minyi.deliberation.models import AppraisalState, FollowUp, FollowUpState, SessionState
from minyi.voices.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree: Any, make_person: Any) -> Person:
    return make_person("district_staff", tree.district, name="王科长")


def act(person: Person) -> Actor:
    return Actor(person=person, role="district_staff", unit=None)


@pytest.fixture
def session(tree: Any, officer: Person) -> Any:
    return iq.do_create_session(
        tree.district,
        iq.SessionInput(kind="qa", title="2026年代表问政会", subject="城区交通拥堵", held_at=timezone.now()),
        actor=act(officer),
    )


def test_qa_session_cycle(tree: Any, officer: Person, session: Any, make_person: Any) -> None:
    deputy = make_person("deputy", tree.district, name="刘代表")
    member = make_person("cppcc_member", tree.city, name="陈委员")
    resident = make_person(name="居民")
    with pytest.raises(NotPermitted) as err:
        iq.do_record_question(session, resident, "为什么堵车？", actor=act(officer))
    assert err.value.code == "not_deputy"
    q1 = iq.do_record_question(session, deputy, "学校门口高峰拥堵何时解决？", actor=act(officer))
    q2 = iq.do_record_question(session, member, "公交线路何时优化？", actor=act(officer))
    assert (q1.asker_role, q2.asker_role) == ("deputy", "cppcc_member")
    session.refresh_from_db()
    assert session.state == SessionState.HELD
    bureau_head = make_person(name="张局长")
    iq.do_record_answer(
        q1, bureau_head, office="局长", office_unit=tree.department, text="暑假前完成改造", actor=act(officer)
    )
    with pytest.raises(ActionError) as err2:
        iq.do_publish_session(session, actor=act(officer))
    assert err2.value.code == "questions_unanswered"
    iq.do_record_answer(
        q2, bureau_head, office="局长", office_unit=tree.department, text="三季度优化", actor=act(officer)
    )
    with pytest.raises(ActionError):
        iq.do_track_follow_up(
            q1, "改造", responsible_unit=tree.department, deadline=dt.date(2020, 1, 1), actor=act(officer)
        )
    tracked = iq.do_track_follow_up(
        q1,
        "学校门口增设即停即走车位",
        responsible_unit=tree.department,
        deadline=timezone.localdate() + dt.timedelta(days=60),
        actor=act(officer),
    )
    session = iq.do_publish_session(session, actor=act(officer))
    assert session.state == SessionState.PUBLISHED
    kinds = set(
        Notification.objects.filter(kind="deliberation.inquiry.published").values_list(
            "recipient__name", flat=True
        )
    )
    assert kinds == {"刘代表", "陈委员", "张局长"}
    done = iq.do_complete_follow_up(tracked, result="已增设12个车位", actor=act(officer))
    assert done.state == FollowUpState.DONE
    with pytest.raises(Conflict):
        iq.do_complete_follow_up(done, result="again", actor=act(officer))
    actions = list(
        Event.objects.filter(chain=f"deliberation.inquirysession:{session.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[0] == "deliberation.inquiry.create" and "deliberation.inquiry.publish" in actions
    assert actions[-1] == "deliberation.inquiry.follow_up_done"


def test_follow_up_becomes_a_voice(tree: Any, officer: Person, session: Any, make_person: Any) -> None:
    ensure_default_channels(actor=Actor.system())
    category = Category.objects.get_or_create(code="roads", defaults={"name": "道路交通"})[0]
    deputy = make_person("deputy", tree.district, name="刘代表")
    q = iq.do_record_question(session, deputy, "青云街道路灯何时修？", actor=act(officer))
    follow_up = iq.do_follow_up_as_voice(
        q,
        title="青云街道路灯维修",
        text="代表问政会交办：青云街道路灯维修",
        category=category,
        unit=tree.township,
        actor=act(officer),
    )
    assert follow_up.voice is not None and follow_up.voice.unit_id == tree.township.pk
    assert ProcessInstance.objects.filter(
        subject_type="voices.voice", subject_id=str(follow_up.voice.pk)
    ).exists()
    with pytest.raises(Conflict):
        iq.do_complete_follow_up(follow_up, result="x", actor=act(officer))


def test_follow_up_voice_refused_writes_nothing(
    tree: Any, session: Any, make_person: Any, officer: Person
) -> None:
    ensure_default_channels(actor=Actor.system())
    category = Category.objects.get_or_create(code="roads", defaults={"name": "道路交通"})[0]
    q = iq.do_record_question(session, make_person("deputy", tree.district), "问题", actor=act(officer))
    outsider = make_person("district_staff", tree.other_district)
    with pytest.raises(NotPermitted):
        iq.do_follow_up_as_voice(
            q, title="t", text="x", category=category, unit=tree.township, actor=act(outsider)
        )
    assert not FollowUp.objects.exists()


GROUPS = [
    {
        "code": "deputies",
        "name": "人大代表组",
        "weight": "0.5",
        "criteria": [{"code": "work", "name": "工作成效", "weight": "1"}],
    },
    {
        "code": "residents",
        "name": "群众代表组",
        "weight": "0.3",
        "criteria": [{"code": "work", "name": "工作成效", "weight": "1"}],
    },
    {
        "code": "recipients",
        "name": "服务对象组",
        "weight": "0.2",
        "criteria": [
            {"code": "speed", "name": "办事效率", "weight": "1"},
            {"code": "manner", "name": "服务态度", "weight": "1"},
        ],
    },
]


@pytest.fixture
def appraisal(tree: Any, officer: Person, system: Actor) -> Any:
    from minyi.core.actions.units import UnitInput, do_create_unit

    traffic = do_create_unit(
        UnitInput(name="东城区交通运输局", kind="department"), tree.district, actor=system
    )
    return ap.do_create_appraisal(
        tree.district,
        ap.AppraisalInput(
            title="城市交通建设专项工作评议",
            work="城市交通建设",
            held_at=timezone.now(),
            departments=[tree.department, traffic],
            groups=GROUPS,
        ),
        actor=act(officer),
    )


def test_appraisal_scored_on_site(appraisal: Any, officer: Person, make_person: Any, tree: Any) -> None:
    deputies = [make_person(name=f"代表{i}") for i in range(2)]
    residents = [make_person(name=f"群众{i}") for i in range(2)]
    recipient = make_person(name="企业主")
    ap.do_add_raters(appraisal, "deputies", deputies, actor=act(officer))
    ap.do_add_raters(appraisal, "residents", residents, actor=act(officer))
    ap.do_add_raters(appraisal, "recipients", [recipient], actor=act(officer))
    with pytest.raises(Conflict):
        ap.do_add_raters(appraisal, "residents", [deputies[0]], actor=act(officer))
    poll = ap.do_start_scoring(appraisal, actor=act(officer))
    assert poll.state == PollState.OPEN and poll.method == "score" and poll.is_secret
    assert Notification.objects.filter(kind="deliberation.appraisal.scoring").count() == 5
    keys = [o.key for o in poll.options.all()]

    def sheet(score: int, criteria: tuple[str, ...] = ("work",)) -> dict[str, dict[str, int]]:
        return {k: {c: score for c in criteria} for k in keys}

    with pytest.raises(ActionError) as err:
        do_cast_ballot(poll, sheet(101), actor=Actor(person=deputies[0]))
    assert err.value.code == "score_out_of_range"
    assert not Ballot.objects.filter(poll=poll).exists()
    do_cast_ballot(poll, sheet(90), actor=Actor(person=deputies[0]))
    do_cast_ballot(poll, sheet(80), actor=Actor(person=deputies[1]))
    do_cast_ballot(poll, sheet(60), actor=Actor(person=residents[0]))
    do_cast_ballot(poll, sheet(50, ("speed", "manner")), actor=Actor(person=recipient))
    with pytest.raises(Conflict):
        do_cast_ballot(poll, sheet(90), actor=Actor(person=deputies[0]))
    appraisal = ap.do_announce_appraisal(appraisal, actor=act(officer))
    assert appraisal.state == AppraisalState.ANNOUNCED
    appraisal.poll.refresh_from_db()
    assert appraisal.poll.state == PollState.PUBLISHED
    # 0.5×85 + 0.3×60 + 0.2×50 = 70.5 → 基本满意 (seed bands from the ballots rule).
    rows = ap.appraisal_rows(appraisal)
    assert [(r["score"], r["grade"]) for r in rows] == [("70.50", "基本满意"), ("70.50", "基本满意")]
    assert Elector.objects.filter(poll=poll, voted=True).count() == 4
    announce = Event.objects.get(
        chain=f"deliberation.appraisal:{appraisal.pk}", action="deliberation.appraisal.announce"
    )
    assert announce.public


def test_appraisal_bad_input(tree: Any, officer: Person) -> None:
    bad = [dict(GROUPS[0], weight="0")]
    with pytest.raises(ActionError) as err:
        ap.do_create_appraisal(
            tree.district,
            ap.AppraisalInput(
                title="t", work="w", held_at=timezone.now(), departments=[tree.department], groups=bad
            ),
            actor=act(officer),
        )
    assert err.value.code == "groups_invalid"
    with pytest.raises(ActionError) as err:
        ap.do_create_appraisal(
            tree.district,
            ap.AppraisalInput(title="t", work="w", held_at=timezone.now(), departments=[], groups=GROUPS),
            actor=act(officer),
        )
    assert err.value.code == "departments_required"


def test_scoring_needs_raters_and_right_state(appraisal: Any, officer: Person) -> None:
    with pytest.raises(ActionError) as err:
        ap.do_start_scoring(appraisal, actor=act(officer))
    assert err.value.code == "raters_required"
    with pytest.raises(Conflict):
        ap.do_announce_appraisal(appraisal, actor=act(officer))
    assert Decimal(appraisal.groups[0]["weight"]) == Decimal("0.5")
