"""The background worker knows every periodic duty of the core (O3 sweep, O4 checkpoints, digests)."""

from huey.contrib.djhuey import HUEY

import minyi.core.tasks  # noqa: F401  (what the Huey consumer imports)
from minyi.core.schedule import every_minutes


def test_every_periodic_task_is_registered():
    names = set(HUEY._registry._registry)
    assert {
        "minyi.core.engine.tasks.sweep_overdue_processes",
        "minyi.core.notify.tasks.deliver_notifications",
        "minyi.core.notify.tasks.send_daily_digest",
        "minyi.core.record.tasks.core.record.checkpoint",
    } <= names


def test_every_minutes_schedules():
    import datetime as dt

    assert every_minutes(10)(dt.datetime(2026, 1, 1, 9, 20))
    assert not every_minutes(10)(dt.datetime(2026, 1, 1, 9, 25))
    assert every_minutes(120)(dt.datetime(2026, 1, 1, 10, 0))
    assert not every_minutes(120)(dt.datetime(2026, 1, 1, 11, 0))
