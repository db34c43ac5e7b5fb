"""The periodic overdue sweep, every MINYI_SWEEP_MINUTES (imported by minyi/core/tasks.py for Huey)."""

from __future__ import annotations

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task

from minyi.core.engine.sweep import SweepReport, sweep
from minyi.core.schedule import every_minutes


@db_periodic_task(every_minutes(settings.MINYI_SWEEP_MINUTES))
def sweep_overdue_processes() -> SweepReport:
    return sweep()
