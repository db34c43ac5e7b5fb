"""V5: filing, assignment, 面商, reply, rating, follow-up and closing of suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.engine.steps import acting_as, perform
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Event, Notification, ProcessInstance
from minyi.voices.actions.suggestions import (
    ConsultationInput,
    SuggestionInput,
    do_assign_suggestion,
    do_close_suggestion,
    do_file_suggestion,
    do_follow_up_suggestion,
    do_rate_suggestion,
    do_record_consultation,
    do_reply_suggestion,
    do_return_suggestion,
    instance_for,
)
from minyi.voices.models import FaceToFaceConsultation, SuggestionDetails, Voice
from minyi.voices.suggest_rules import face_to_face_count, visible_suggestions
from minyi.voices.tests.suggest_support import category_fixture, channels_fixture, make_deputy_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels")


def actor_for(person: Any, role: str, unit: Any) -> Actor:
    return Actor(person=person, role=role, unit=unit)


def file(proposer: Any, category: Any, **extra: Any) -> Voice:
    data = dict(
        kind="deputy_suggestion",
        title="关于增设金沙社区公交站点的建议",
        content="居民出行不便，建议增设站点。",
        category=category,
        area="urban",
        session="第三次会议",
    )
    data.update(extra)
    return do_file_suggestion(SuggestionInput(**data), actor=Actor(person=proposer, role="deputy"))


@pytest.fixture
def cast(tree: Any, make_person: Any, make_deputy: Any) -> dict[str, Any]:
    return {
        "deputy": make_deputy(tree.community, name="李代表"),
        "district": make_person("district_staff", tree.district, name="区选联工委"),
        "handler": make_person("department_handler", tree.department, name="住建局承办人"),
        "stranger": make_person("resident", tree.community, name="王居民"),
    }


def consult(voice: Voice, handler: Any, tree: Any, **extra: Any) -> FaceToFaceConsultation:
    data = dict(
        held_at=timezone.now() - dt.timedelta(hours=1),
        place="金沙社区代表联络站",
        department_attendees="住建局 王科长",
    )
    data.update(extra)
    return do_record_consultation(
        voice, ConsultationInput(**data), actor=actor_for(handler, "department_handler", tree.department)
    )


def test_filing_numbers_per_session_starts_the_process_at_the_district_and_tells_dispatchers(
    tree: Any, cast: dict[str, Any], category: Any, make_deputy: Any
) -> None:
    cosigner = make_deputy(tree.community, name="赵代表")
    voice = file(cast["deputy"], category, co_signers=[cosigner])
    second = file(cast["deputy"], category)
    other_session = file(cast["deputy"], category, session="闭会期间")
    details = SuggestionDetails.objects.get(voice=voice)
    assert (details.number, second.suggestion.number, other_session.suggestion.number) == (1, 2, 1)
    assert details.number_label == "建议第1号" and details.term == "第十八届"
    assert details.dispatch_unit == tree.district and list(details.co_signers.all()) == [cosigner]
    assert voice.kind == "deputy_suggestion" and voice.submitter == cast["deputy"]
    instance = instance_for(voice)
    assert (instance.state, instance.unit) == ("filed", tree.district)
    actions = list(
        Event.objects.filter(subject_type="voices.voice", subject_id=str(voice.pk))
        .values_list("action", flat=True)
        .order_by("seq")
    )
    assert actions == ["voices.voice.register", "suggestion.start", "voices.suggestion.file"]
    assert (
        Notification.objects.filter(recipient=cast["district"], kind="voices.suggestion.filed").count() == 3
    )
    assert Notification.objects.filter(recipient=cosigner, kind="voices.suggestion.cosigned").count() == 1


def test_cppcc_proposal_by_role_without_record(tree: Any, make_person: Any, category: Any) -> None:
    member = make_person("cppcc_member", tree.township, name="陈委员")
    voice = file(member, category, kind="cppcc_proposal", term="第十届")
    assert voice.suggestion.number_label == "提案第1号" and voice.suggestion.proposer_record is None
    assert voice.suggestion.dispatch_unit == tree.district


@pytest.mark.parametrize(
    ("who", "kind", "code"),
    [
        ("stranger", "deputy_suggestion", "not_a_deputy"),
        ("deputy", "cppcc_proposal", "not_a_deputy"),  # an NPC deputy is not a CPPCC member
        ("deputy", "request", "suggestion_kind_invalid"),
    ],
)
def test_filing_refused_writes_nothing(
    cast: dict[str, Any], category: Any, who: str, kind: str, code: str
) -> None:
    before = (Voice.objects.count(), Event.objects.count(), ProcessInstance.objects.count())
    with pytest.raises(ActionError) as error:
        file(cast[who], category, kind=kind)
    assert error.value.code == code
    assert (Voice.objects.count(), Event.objects.count(), ProcessInstance.objects.count()) == before


def test_co_signers_must_be_members_of_the_same_body(
    tree: Any, cast: dict[str, Any], category: Any, make_deputy: Any, make_person: Any
) -> None:
    member = make_deputy(tree.community, body="cppcc", name="陈委员")
    for signers, code in (
        ([cast["stranger"]], "co_signer_not_member"),
        ([member], "co_signer_not_member"),
        ([cast["deputy"]], "co_signer_is_proposer"),
    ):
        before = Event.objects.count()
        with pytest.raises(ActionError) as error:
            file(cast["deputy"], category, co_signers=signers)
        assert error.value.code == code
        assert Event.objects.count() == before and not Voice.objects.exists()
    by_role = make_person("deputy", tree.township, name="周代表")
    assert list(file(cast["deputy"], category, co_signers=[by_role]).suggestion.co_signers.all()) == [by_role]


def test_full_cycle_with_consultation_reply_rating_and_close(
    tree: Any, cast: dict[str, Any], category: Any
) -> None:
    voice = file(cast["deputy"], category)
    district = actor_for(cast["district"], "district_staff", tree.district)
    handler = actor_for(cast["handler"], "department_handler", tree.department)
    do_assign_suggestion(voice, tree.department, actor=district, due_days=60)
    instance = instance_for(voice)
    assert (instance.state, instance.unit, voice.lead_department) == (
        "assigned",
        tree.department,
        tree.department,
    )
    deadline = instance.deadline_at
    assert Notification.objects.filter(recipient=cast["handler"], kind="voices.suggestion.assigned").exists()
    assert Notification.objects.filter(recipient=cast["deputy"], kind="voices.suggestion.assigned").exists()

    consultation = consult(voice, cast["handler"], tree)
    instance.refresh_from_db()
    assert instance.state == "consulted" and instance.deadline_at == deadline  # 面商 keeps the deadline
    assert consultation.department == tree.department
    assert Notification.objects.filter(recipient=cast["deputy"], kind="voices.suggestion.consulted").exists()

    do_reply_suggestion(voice, actor=handler, reply="已列入2026年公交线网优化计划。", resolution="answered")
    voice.refresh_from_db()
    assert (voice.resolution, voice.replied_at is not None) == ("answered", True)
    assert face_to_face_count(Voice.objects.all()) == 1

    with pytest.raises(NotPermitted):  # only the proposer rates
        do_rate_suggestion(voice, actor=district, satisfaction="satisfied")
    do_rate_suggestion(
        voice,
        actor=Actor(person=cast["deputy"], role="submitter"),
        satisfaction="basic",
        comment="希望尽快落实",
    )
    voice.refresh_from_db()
    assert voice.satisfaction == "basic" and voice.feedback_at is not None
    assert Notification.objects.filter(recipient=cast["handler"], kind="voices.suggestion.rated").exists()

    # Answered, not resolved, and the deputy asked for implementation: follow it up.
    do_follow_up_suggestion(voice, actor=district, reason="要求明确站点建设时间")
    assert instance_for(voice).state == "following_up"
    assert SuggestionDetails.objects.get(voice=voice).follow_up_count == 1
    do_reply_suggestion(voice, actor=handler, reply="站点已建成投用。", resolution="resolved")
    do_rate_suggestion(voice, actor=Actor(person=cast["deputy"], role="submitter"), satisfaction="satisfied")
    voice.refresh_from_db()
    with pytest.raises(ActionError) as error:
        do_follow_up_suggestion(voice, actor=district, reason="再跟踪")
    assert error.value.code == "follow_up_already_resolved"
    do_close_suggestion(voice, actor=district)
    voice.refresh_from_db()
    assert instance_for(voice).state == "closed" and voice.closed_at is not None
    actions = list(
        Event.objects.filter(subject_type="voices.voice", subject_id=str(voice.pk))
        .values_list("action", flat=True)
        .order_by("seq")
    )
    assert actions[2:] == [
        "voices.suggestion.file",
        "suggestion.assign",
        "suggestion.consult",
        "suggestion.reply",
        "suggestion.rate",
        "suggestion.follow_up",
        "suggestion.reply",
        "suggestion.rate",
        "suggestion.close",
    ]


def test_reply_without_consultation_needs_a_reason_and_counts_against_the_rate(
    tree: Any, cast: dict[str, Any], category: Any
) -> None:
    voice = file(cast["deputy"], category)
    do_assign_suggestion(
        voice, tree.department, actor=actor_for(cast["district"], "district_staff", tree.district)
    )
    handler = actor_for(cast["handler"], "department_handler", tree.department)
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_reply_suggestion(voice, actor=handler, reply="答复", resolution="resolved")
    assert error.value.code == "consultation_required" and Event.objects.count() == before
    do_reply_suggestion(
        voice,
        actor=handler,
        reply="答复",
        resolution="resolved",
        no_consultation_reason="代表在外地学习，电话沟通",
    )
    event = Event.objects.filter(action="suggestion.reply_without_consultation").get()
    assert event.reason == "代表在外地学习，电话沟通"
    assert SuggestionDetails.objects.get(voice=voice).no_consultation_reason == "代表在外地学习，电话沟通"
    assert face_to_face_count(Voice.objects.all()) == 0
    # Not marked 落实-expected: never followed up.
    other = file(cast["deputy"], category, expects_implementation=False)
    do_assign_suggestion(
        other, tree.department, actor=actor_for(cast["district"], "district_staff", tree.district)
    )
    consult(other, cast["handler"], tree)
    do_reply_suggestion(other, actor=handler, reply="解释说明", resolution="answered")
    do_rate_suggestion(other, actor=Actor(person=cast["deputy"]), satisfaction="unsatisfied")
    with pytest.raises(ActionError) as error:
        do_follow_up_suggestion(other, actor=Actor(person=cast["deputy"]), reason="不满意")
    assert error.value.code == "follow_up_not_needed"


def test_wrong_role_state_and_bad_input_write_nothing(tree: Any, cast: dict[str, Any], category: Any) -> None:
    voice = file(cast["deputy"], category)
    handler = actor_for(cast["handler"], "department_handler", tree.department)
    district = actor_for(cast["district"], "district_staff", tree.district)
    before = Event.objects.count()
    with pytest.raises(NotPermitted):
        do_assign_suggestion(voice, tree.department, actor=handler)
    with pytest.raises(ActionError) as error:
        do_assign_suggestion(voice, tree.community, actor=district)
    assert error.value.code == "department_invalid"
    with pytest.raises(ActionError) as error:
        consult(voice, cast["handler"], tree)  # not yet assigned
    assert error.value.code == "transition_wrong_state"
    do_assign_suggestion(voice, tree.department, actor=district)
    before = Event.objects.count()
    for extra, code in (
        ({"held_at": timezone.now() + dt.timedelta(days=2)}, "held_at_future"),
        ({"place": " "}, "place_required"),
    ):
        with pytest.raises(ActionError) as error:
            consult(voice, cast["handler"], tree, **extra)
        assert error.value.code == code
    with pytest.raises(ActionError) as error:
        do_reply_suggestion(voice, actor=handler, reply="x", resolution="maybe", no_consultation_reason="r")
    assert error.value.code == "resolution_invalid"
    assert Event.objects.count() == before and not FaceToFaceConsultation.objects.exists()


def test_return_goes_back_to_the_dispatching_office(tree: Any, cast: dict[str, Any], category: Any) -> None:
    voice = file(cast["deputy"], category)
    do_assign_suggestion(
        voice, tree.department, actor=actor_for(cast["district"], "district_staff", tree.district)
    )
    do_return_suggestion(
        voice,
        actor=actor_for(cast["handler"], "department_handler", tree.department),
        reason="不属于本部门职责",
    )
    voice.refresh_from_db()
    instance = instance_for(voice)
    assert (instance.state, instance.unit, voice.lead_department) == ("filed", tree.district, None)


def test_generic_process_page_steps_go_through_the_actions(
    tree: Any, cast: dict[str, Any], category: Any
) -> None:
    voice = file(cast["deputy"], category)
    instance = instance_for(voice)
    perform(
        instance, "assign", person=cast["district"], inputs={"lead_department": tree.department.pk}, reason=""
    )
    voice.refresh_from_db()
    assert voice.lead_department == tree.department
    perform(
        instance,
        "consult",
        person=cast["handler"],
        reason="",
        inputs={
            "held_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "place": "联络站",
            "department_attendees": "王科长",
            "proposer_present": "true",
        },
    )
    assert FaceToFaceConsultation.objects.filter(voice=voice).count() == 1
    step = instance_for(voice)
    assert (
        acting_as(
            cast["handler"],
            __import__("minyi.core.engine.runtime", fromlist=["x"]).definition_of(step).transitions["reply"],
            step,
        ).role
        == "department_handler"
    )


def test_visibility_of_suggestions(
    tree: Any, cast: dict[str, Any], category: Any, make_person: Any, make_deputy: Any
) -> None:
    cosigner = make_deputy(tree.community, name="赵代表")
    voice = file(cast["deputy"], category, co_signers=[cosigner])
    other_handler = make_person("department_handler", tree.other_district, name="西城承办人")
    supervisor = make_person("supervisor", tree.district, name="纪委")
    assert list(visible_suggestions(cast["deputy"])) == [voice]
    assert list(visible_suggestions(cosigner)) == [voice]
    assert list(visible_suggestions(cast["district"])) == [voice]
    assert list(visible_suggestions(supervisor)) == [voice]
    assert not visible_suggestions(cast["handler"]).exists()  # not assigned yet
    assert not visible_suggestions(other_handler).exists()
    assert not visible_suggestions(cast["stranger"]).exists()
    do_assign_suggestion(
        voice, tree.department, actor=actor_for(cast["district"], "district_staff", tree.district)
    )
    assert list(visible_suggestions(cast["handler"])) == [voice]
    assert cast["handler"].has_perm("voices.view_suggestion", voice)
    assert not cast["stranger"].has_perm("voices.view_suggestion", voice)
