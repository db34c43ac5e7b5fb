"""`Voice.closed_at` follows the process instance, also when no voices action moves it: the overdue
sweep closing an unrated reply, and a manager's override (in and out of a final state)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.sweep import sweep
from minyi.core.models import Event, ProcessInstance
from minyi.voices.actions.handling import instance_for
from minyi.voices.models import Voice
from minyi.voices.queries import visible_voices
from minyi.voices.tests.handling_support import people, register_voice, step

__all__ = ["people"]  # the fixture

pytestmark = pytest.mark.django_db




def replied_voice(tree, people) -> Voice:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, submitter=people["resident"])
    step(voice, "accept", people["community"])
    step(voice, "reply", people["community"], reply="已更换灯具", resolution="resolved")
    return voice


def open_ids(person) -> set[int]:  # type: ignore[no-untyped-def]
    return set(visible_voices(person, open_only=True).values_list("pk", flat=True))


def test_sweep_closing_an_unrated_reply_sets_closed_at(tree, people) -> None:  # type: ignore[no-untyped-def]
    voice = replied_voice(tree, people)
    assert voice.pk in open_ids(people["community"])
    later = timezone.now() + dt.timedelta(days=30)
    report = sweep(now=later)
    assert report.transitioned == 1
    voice.refresh_from_db()
    instance = instance_for(voice)
    assert instance.state == "closed" and instance.is_final
    assert voice.closed_at is not None and voice.closed_at == instance.state_entered_at
    assert Event.objects.filter(action="voice.overdue.transition", subject_id=str(voice.pk)).exists()
    # Gone from the open inbox (the partial indexes' condition), still among all the officer sees.
    assert voice.pk not in open_ids(people["community"])
    assert visible_voices(people["community"]).filter(pk=voice.pk).exists()


def test_override_out_of_a_final_state_reopens_and_back_closes(tree, people, make_person) -> None:  # type: ignore[no-untyped-def]
    voice = replied_voice(tree, people)
    step(voice, "feedback", people["resident"], satisfaction="satisfied")
    voice.refresh_from_db()
    closed_at = voice.closed_at
    assert closed_at is not None and voice.pk not in open_ids(people["community"])

    admin = Actor(make_person("admin", tree.city))
    runtime.override(instance_for(voice), "community_handling", actor=admin, reason="误评价，重新办理")
    voice.refresh_from_db()
    assert voice.closed_at is None and voice.pk in open_ids(people["community"])

    runtime.override(instance_for(voice), "declined", actor=admin, reason="重复反映")
    voice.refresh_from_db()
    assert voice.closed_at is not None and voice.closed_at > closed_at
    assert voice.pk not in open_ids(people["community"])


def test_transitions_between_open_states_write_nothing_to_the_voice(
    tree, people, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    voice = register_voice(tree.community, submitter=people["resident"])
    instance = instance_for(voice)
    definition = runtime.definition_of(instance)
    with django_assert_num_queries(0):
        runtime.enter_state(instance, definition, "community_handling", timezone.now())
    assert Voice.objects.get(pk=voice.pk).closed_at is None


def test_migration_brings_closed_at_in_step(tree, people) -> None:  # type: ignore[no-untyped-def]
    closed = replied_voice(tree, people)
    step(closed, "feedback", people["resident"], satisfaction="basic")
    open_item = register_voice(tree.community, submitter=people["resident"])
    # The state before the fix: a closed item without closed_at, an open one with a stale closed_at.
    Voice.objects.filter(pk=closed.pk).update(closed_at=None)
    Voice.objects.filter(pk=open_item.pk).update(closed_at=timezone.now())
    migration = importlib.import_module("minyi.voices.migrations.0004_closed_at_follows_instance")
    migration.forwards(apps, None)
    entered = ProcessInstance.objects.get(pk=instance_for(closed).pk).state_entered_at
    assert Voice.objects.get(pk=closed.pk).closed_at == entered
    assert Voice.objects.get(pk=open_item.pk).closed_at is None


def test_open_work_is_the_same_read_as_a_list_or_as_a_subquery(tree, people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from minyi.voices import queries

    open_items = [register_voice(tree.community, submitter=people["resident"]) for _ in range(3)]
    closed = replied_voice(tree, people)
    step(closed, "feedback", people["resident"], satisfaction="satisfied")
    as_list = visible_voices(people["community"], open_only=True, read_ids=True)
    assert "IN (SELECT" not in str(as_list.query)  # the ids were read once, the page looks up a list
    monkeypatch.setattr(queries, "IDS_READ_AT_MOST", 2)  # more open items than that: a subquery
    assert "IN (SELECT" in str(visible_voices(people["community"], open_only=True).query)  # not asked
    as_subquery = visible_voices(people["community"], open_only=True, read_ids=True)
    assert "IN (SELECT" in str(as_subquery.query)
    expected = {v.pk for v in open_items}
    assert (
        set(as_list.values_list("pk", flat=True)) == expected == set(as_subquery.values_list("pk", flat=True))
    )
