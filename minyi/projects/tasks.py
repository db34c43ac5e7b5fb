"""Huey discovers each app's `tasks` module: the daily P4 effect-evaluation sweep of livelihood projects."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from minyi.projects.effect.actions import SweepResult, run_effect_sweep


@db_periodic_task(crontab(minute="0", hour=str(settings.MINYI_SURVEY_OPEN_HOUR)))
def effect_evaluation_sweep() -> SweepResult:
    """Start the evaluations that fell due and attach the results of closed ones (docs/projects.md, P4)."""
    return run_effect_sweep()
