"""The periodic overdue sweep, every MINYI_SWEEP_MINUTES (imported by minyi/core/tasks.py for Huey)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from minyi.core.engine.sweep import SweepReport, sweep


def sweep_schedule(minutes: int) -> crontab:
    """A crontab firing every `minutes` minutes (hour steps when it is a multiple of 60)."""
    if minutes <= 0:
        raise ValueError("MINYI_SWEEP_MINUTES must be positive")
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")


@db_periodic_task(sweep_schedule(settings.MINYI_SWEEP_MINUTES))
def sweep_overdue_processes() -> SweepReport:
    return sweep()
