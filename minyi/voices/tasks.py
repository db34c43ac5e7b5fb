"""Huey discovers each app's `tasks` module: background work of the voices app."""

from __future__ import annotations

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task, db_task

from minyi.core.schedule import every_minutes
from minyi.voices.actions.imports import run_import
from minyi.voices.actions.intake_followup import FollowupResult, finish_queued_intake, finish_stalled_intake
from minyi.voices.search.tasks import reindex_voices


@db_task()
def run_voice_import(batch_id: int) -> None:
    run_import(batch_id)


@db_task()
def finish_intake(voice_ids: list[int]) -> FollowupResult:
    """Index new items and tell the offices that must accept them (queued when their intake commits),
    with any other recent item still unfinished (`finish_queued_intake`)."""
    return finish_queued_intake(voice_ids)


@db_periodic_task(every_minutes(settings.MINYI_SWEEP_MINUTES), name="voices.finish_stalled_intake")
def finish_stalled_intake_task() -> FollowupResult:
    """The safety net for follow-ups whose task was never queued or died (see intake_followup)."""
    return finish_stalled_intake()


__all__ = ["finish_intake", "finish_stalled_intake_task", "reindex_voices", "run_voice_import"]
