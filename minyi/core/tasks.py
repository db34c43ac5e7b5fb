"""Huey discovers each app's `tasks` module; core's periodic tasks live beside the code they run."""

from minyi.core.engine.tasks import sweep_overdue_processes
from minyi.core.notify.tasks import deliver_notifications, send_daily_digest
from minyi.core.record.tasks import checkpoint_record

__all__ = ["checkpoint_record", "deliver_notifications", "send_daily_digest", "sweep_overdue_processes"]
