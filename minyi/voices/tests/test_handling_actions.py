"""V2 — tiered handling through the engine: unit moves, deadlines, events, notifications, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.calendar import DayKind, deadline_after
from minyi.core.engine.steps import perform
from minyi.core.engine.sweep import sweep
from minyi.core.errors import ActionError
from minyi.core.models import Event, Notification, ProcessInstance
from minyi.voices.actions.handling import do_assign, instance_for
from minyi.voices.models import CoHandler, Voice
from minyi.voices.tests.handling_support import people, register_voice, step

__all__ = ["people"]  # the fixture

pytestmark = pytest.mark.django_db



@pytest.fixture
def second_department(tree, system):  # type: ignore[no-untyped-def]
    return do_create_unit(
        UnitInput(name="东城区城市管理局", kind="department", code="D-990101-CG"), tree.district, actor=system
    )


def events(voice: Voice) -> list[Event]:
    return list(Event.objects.filter(subject_type="voices.voice", subject_id=str(voice.pk)).order_by("seq"))



def test_full_tiered_path(tree, people, second_department, make_person) -> None:  # type: ignore[no-untyped-def]
    co_handler = make_person("department_handler", second_department)
    voice = register_voice(tree.community, submitter=people["resident"])

    step(voice, "accept", people["community"])
    assert events(voice)[-1].action == "voice.accept"
    assert Notification.objects.filter(recipient=people["resident"], kind="voices.accepted").exists()

    instance = step(voice, "escalate_to_township", people["community"], reason="涉及多个小区，社区无法协调")
    assert (instance.state, instance.unit_id) == ("township_handling", tree.township.pk)
    last = events(voice)[-1]
    assert last.action == "voice.escalate_to_township"
    assert (last.data["unit_from"], last.data["unit_to"]) == (tree.community.pk, tree.township.pk)
    assert Notification.objects.filter(recipient=people["township"], kind="voices.escalated").exists()

    instance = step(voice, "escalate_to_district", people["township"], reason="需区住建局处理")
    assert (instance.state, instance.unit_id) == ("district_dispatch", tree.district.pk)

    before = timezone.now()
    instance = perform(
        instance,
        "assign",
        person=people["district"],
        reason="",
        inputs={"lead_department": tree.department.pk, "due_days": 5, "co_handlers": [second_department.pk]},
    )
    voice.refresh_from_db()
    assert (instance.state, instance.unit_id) == ("department_handling", tree.department.pk)
    assert instance.deadline_at == deadline_after(before, 5, DayKind.WORKING)
    assert voice.lead_department_id == tree.department.pk
    assert list(CoHandler.objects.filter(voice=voice).values_list("unit_id", flat=True)) == [
        second_department.pk
    ]
    assert [e.action for e in events(voice)[-2:]] == ["voice.assign", "voices.co_handlers"]
    assert Notification.objects.filter(recipient=people["department"], kind="voices.assigned").exists()
    assert Notification.objects.filter(recipient=co_handler, kind="voices.co_assigned").exists()

    instance = step(voice, "reply", people["department"], reply="已于本周更换路灯", resolution="resolved")
    voice.refresh_from_db()
    assert instance.state == "replied" and voice.reply == "已于本周更换路灯" and voice.replied_at
    assert voice.resolution == "resolved"
    assert Notification.objects.filter(recipient=people["resident"], kind="voices.replied").exists()

    instance = step(voice, "feedback", people["resident"], satisfaction="satisfied", comment="很及时")
    voice.refresh_from_db()
    assert instance.state == "closed" and instance.is_final
    assert voice.satisfaction == "satisfied" and voice.feedback_comment == "很及时"
    assert voice.feedback_at and voice.closed_at


def test_assign_default_deadline_is_the_states(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.district)
    instance = instance_for(voice)
    ProcessInstance.objects.filter(pk=instance.pk).update(
        state="district_dispatch", awaiting_roles=",district_staff,"
    )
    before = timezone.now()
    instance = do_assign(
        voice,
        actor=Actor(people["district"], "district_staff", tree.district),
        lead_department=tree.department,
    )
    assert instance.deadline_at == deadline_after(before, 15, DayKind.WORKING)


@pytest.mark.parametrize(
    ("who", "name", "reason", "inputs", "code"),
    [
        ("department", "accept", "", {}, "not_permitted"),  # wrong role
        ("resident", "accept", "", {}, "not_permitted"),
        ("community", "reply", "", {"reply": "x", "resolution": "resolved"}, "transition_wrong_state"),
        ("community", "escalate_to_township", "", {}, "reason_required"),
        ("community", "decline", "", {}, "reason_required"),
        ("community", "merge", "", {"original": "MY-2026-999999"}, "original_not_found"),
    ],
)
def test_refused_steps_write_nothing(tree, people, who, name, reason, inputs, code) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, submitter=people["resident"])
    before_events, before_notes = Event.objects.count(), Notification.objects.count()
    with pytest.raises(ActionError) as error:
        step(voice, name, people[who], reason=reason, **inputs)
    assert error.value.code == code
    assert Event.objects.count() == before_events and Notification.objects.count() == before_notes
    instance = instance_for(voice)
    assert (instance.state, instance.unit_id) == ("registered", tree.community.pk)


def _to_dispatch(voice: Voice, people) -> None:  # type: ignore[no-untyped-def]
    step(voice, "accept", people["community"])
    step(voice, "escalate_to_township", people["community"], reason="r")
    step(voice, "escalate_to_district", people["township"], reason="r")


def test_assign_refuses_units_that_are_not_departments_of_the_district(tree, people, system) -> None:  # type: ignore[no-untyped-def]
    foreign = do_create_unit(
        UnitInput(name="西城区住建局", kind="department", code="D-990102-ZJ"),
        tree.other_district,
        actor=system,
    )
    voice = register_voice(tree.community)
    _to_dispatch(voice, people)
    count = Event.objects.count()
    for unit in (foreign, tree.township):
        with pytest.raises(ActionError) as error:
            step(voice, "assign", people["district"], lead_department=unit.pk)
        assert error.value.code == "department_invalid"
    with pytest.raises(ActionError) as error:
        step(voice, "assign", people["district"], lead_department=tree.department.pk, due_days=0)
    assert error.value.code == "input_invalid"
    assert Event.objects.count() == count
    assert instance_for(voice).unit_id == tree.district.pk


def test_returns_move_back_with_reason_and_notify(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    _to_dispatch(voice, people)
    step(voice, "assign", people["district"], lead_department=tree.department.pk)
    instance = step(voice, "return_to_district", people["department"], reason="不属本局职责")
    voice.refresh_from_db()
    assert (instance.state, instance.unit_id, voice.lead_department_id) == (
        "district_dispatch",
        tree.district.pk,
        None,
    )
    assert Notification.objects.filter(recipient=people["district"], kind="voices.returned").exists()
    instance = step(voice, "return_to_township", people["district"], reason="属街道职责")
    assert (instance.state, instance.unit_id) == ("township_handling", tree.township.pk)
    instance = step(voice, "return_to_community", people["township"], reason="社区可办")
    assert (instance.state, instance.unit_id) == ("community_handling", tree.community.pk)
    assert Notification.objects.filter(recipient=people["community"], kind="voices.returned").exists()
    assert events(voice)[-1].reason == "社区可办"


def test_reopen_once_by_the_submitter_only(tree, people, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_MAX_REOPEN = 1
    voice = register_voice(tree.community, submitter=people["resident"])
    step(voice, "accept", people["community"])
    step(voice, "reply", people["community"], reply="已处理", resolution="answered")
    with pytest.raises(ActionError) as error:
        step(voice, "reopen", people["community"], reason="x")
    assert error.value.code == "not_permitted"
    instance = step(voice, "reopen", people["resident"], reason="路灯仍然不亮")
    voice.refresh_from_db()
    assert instance.state == "reopened" and voice.reopened_count == 1 and voice.satisfaction == "unsatisfied"
    assert Notification.objects.filter(recipient=people["community"], kind="voices.reopened").exists()
    step(voice, "reply", people["community"], reply="已更换灯具", resolution="resolved")
    voice.refresh_from_db()
    assert voice.satisfaction == ""
    count = Event.objects.count()
    with pytest.raises(ActionError) as error:
        step(voice, "reopen", people["resident"], reason="还是不满意")
    assert error.value.code == "reopen_limit"
    assert Event.objects.count() == count
    # Staff record a rating taken by phone (电话回访).
    instance = step(voice, "feedback", people["community"], satisfaction="basic")
    assert instance.state == "closed"


def test_decline_notifies_anonymous_submitter_by_mail(
    tree, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, contact_email="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        instance = step(voice, "decline", people["community"], reason="属于司法程序，不予受理")
    voice.refresh_from_db()
    assert instance.state == "declined" and voice.closed_at
    assert events(voice)[-1].reason == "属于司法程序，不予受理"
    assert len(mail.outbox) == 1 and "MY-2026" in mail.outbox[0].body


def test_merge_points_to_the_original_in_the_same_district(tree, people) -> None:  # type: ignore[no-untyped-def]
    original = register_voice(tree.community)
    elsewhere = register_voice(tree.other_community)
    duplicate = register_voice(tree.community, submitter=people["resident"])
    with pytest.raises(ActionError) as error:
        step(duplicate, "merge", people["community"], original=elsewhere.tracking_code)
    assert error.value.code == "original_not_found"
    with pytest.raises(ActionError) as error:
        step(duplicate, "merge", people["community"], original=duplicate.tracking_code)
    assert error.value.code == "original_is_self"
    instance = step(duplicate, "merge", people["community"], original=original.tracking_code.lower())
    duplicate.refresh_from_db()
    assert instance.state == "merged" and duplicate.duplicate_of_id == original.pk
    note = Notification.objects.get(recipient=people["resident"], kind="voices.merged")
    assert original.tracking_code in note.body


def test_overdue_sweep_escalates_community_to_township_then_district(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community)
    report = sweep(now=timezone.now() + dt.timedelta(days=30))
    assert report.escalated == 1
    instance = instance_for(voice)
    assert (instance.state, instance.unit_id) == ("registered", tree.township.pk)
    assert Notification.objects.filter(recipient=people["township"], kind="process.escalate").exists()
    escalation = events(voice)[-1]
    assert escalation.action == "voice.overdue.escalate"
    assert (escalation.data["from_unit"], escalation.data["to_unit"]) == (tree.community.pk, tree.township.pk)
    # Not accepted in time: the township takes the item over at its own level.
    instance = step(voice, "take_at_township", people["township"])
    assert (instance.state, instance.unit_id) == ("township_handling", tree.township.pk)
    sweep(now=timezone.now() + dt.timedelta(days=60))
    instance = instance_for(voice)
    assert (instance.state, instance.unit_id) == ("township_handling", tree.district.pk)
    assert "district_staff" in instance.awaiting_roles
    assert Notification.objects.filter(recipient=people["district"], kind="process.escalate").exists()
