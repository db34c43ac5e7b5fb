"""`Voice.instance`: set by the intake, kept right through every handling step, and what the inbox and
the visibility filter read (where an item is handled now, its state, deadline and overdue flag)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minyi.core.models import Person, ProcessInstance
from minyi.voices.actions.handling import instance_for
from minyi.voices.actions.intake import do_submit_voice
from minyi.voices.models import Voice
from minyi.voices.queries import visible_voices, with_handling
from minyi.voices.tests.handling_support import people, register_voice, step
from minyi.voices.tests.intake_support import ANONYMOUS, intake, voice_input

__all__ = ["intake", "people"]

pytestmark = pytest.mark.django_db




def seen_by(person: Person, voice: Voice) -> Voice | None:
    """The voice as `person`'s inbox reads it (None when they may not see it)."""
    rows = with_handling(visible_voices(person), timezone.now()).filter(pk=voice.pk)
    return rows.first()


def assert_linked(voice: Voice, state: str, unit_id: int) -> None:
    """The voice points at its one instance, and the inbox columns come from it."""
    voice.refresh_from_db()
    instance = ProcessInstance.objects.get(
        process="voice", subject_type="voices.voice", subject_id=str(voice.pk)
    )
    assert voice.instance_id == instance.pk
    assert (instance.state, instance.unit_id) == (state, unit_id)


def test_intake_links_the_voice_to_its_process_instance(intake) -> None:  # type: ignore[no-untyped-def]
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS)
    assert result.voice.instance_id == result.instance.pk
    assert Voice.objects.get(pk=result.voice.pk).instance_id == result.instance.pk


def test_instance_link_follows_escalate_assign_return(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, submitter=people["resident"])
    assert_linked(voice, "registered", tree.community.pk)
    step(voice, "accept", people["community"])
    step(voice, "escalate_to_township", people["community"], reason="涉及多个小区")
    assert_linked(voice, "township_handling", tree.township.pk)
    step(voice, "escalate_to_district", people["township"], reason="需区级部门")
    assert_linked(voice, "district_dispatch", tree.district.pk)
    assert seen_by(people["department"], voice) is None  # not this department's item yet

    step(voice, "assign", people["district"], lead_department=tree.department.pk, due_days=5)
    assert_linked(voice, "department_handling", tree.department.pk)
    row = seen_by(people["department"], voice)
    assert row is not None
    assert (row.process_state, row.process_unit_name) == ("department_handling", tree.department.name)  # type: ignore[attr-defined]
    assert row.process_deadline == instance_for(voice).deadline_at and not row.is_overdue  # type: ignore[attr-defined]

    step(voice, "return_to_district", people["department"], reason="不属本局职责")
    assert_linked(voice, "district_dispatch", tree.district.pk)
    assert seen_by(people["department"], voice) is None  # returned: no longer handled or led there
    row = seen_by(people["district"], voice)
    assert row is not None and row.process_state == "district_dispatch"  # type: ignore[attr-defined]


def test_instance_link_follows_reply_reopen_and_merge(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, submitter=people["resident"])
    step(voice, "accept", people["community"])
    step(voice, "reply", people["community"], reply="已处理", resolution="answered")
    assert_linked(voice, "replied", tree.community.pk)
    step(voice, "reopen", people["resident"], reason="路灯仍然不亮")
    assert_linked(voice, "reopened", tree.community.pk)
    row = seen_by(people["resident"], voice)
    assert row is not None and row.process_state == "reopened"  # type: ignore[attr-defined]

    original = register_voice(tree.community)
    duplicate = register_voice(tree.community)
    step(duplicate, "merge", people["community"], original=original.tracking_code)
    assert_linked(duplicate, "merged", tree.community.pk)
    row = seen_by(people["community"], duplicate)
    assert row is not None and row.process_state == "merged" and not row.is_overdue  # type: ignore[attr-defined]


def test_overdue_flag_and_order_come_from_the_linked_instance(tree, people) -> None:  # type: ignore[no-untyped-def]
    fresh = register_voice(tree.community, title="新事项")
    late = register_voice(tree.community, title="超期事项")
    ProcessInstance.objects.filter(pk=instance_for(late).pk).update(deadline_at="2020-01-01T00:00:00Z")
    rows = list(
        with_handling(visible_voices(people["community"]), timezone.now()).order_by("-is_overdue", "-pk")
    )
    assert [(v.pk, v.is_overdue) for v in rows] == [(late.pk, True), (fresh.pk, False)]  # type: ignore[attr-defined]


def _department_inbox_queries(client, tree, people, n: int) -> int:  # type: ignore[no-untyped-def]
    """Items reach the department by each way visibility knows: handled there, led, co-handled."""
    for _ in range(n):
        voice = register_voice(tree.community, submitter=people["resident"])
        step(voice, "accept", people["community"])
        step(voice, "escalate_to_township", people["community"], reason="r")
        step(voice, "escalate_to_district", people["township"], reason="r")
        step(voice, "assign", people["district"], lead_department=tree.department.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("voices:inbox"))
    assert response.status_code == 200
    return len(queries)


def test_department_inbox_query_count_is_constant(client, tree, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["department"])
    few = _department_inbox_queries(client, tree, people, 1)
    many = _department_inbox_queries(client, tree, people, 6)
    assert few == many
    assert len(client.get(reverse("voices:inbox")).context["page"].object_list) == 7
