"""Periodic signing of the public record."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from minyi.core.record.checkpoint import make_checkpoint


def _every(minutes: int) -> crontab:
    # crontab takes a minute pattern; intervals of an hour or more run at minute 0 every N hours.
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")


@db_periodic_task(_every(settings.MINYI_CHECKPOINT_MINUTES), name="core.record.checkpoint")
def checkpoint_record() -> int:
    """Sign every chain head; returns the checkpoint's id."""
    return make_checkpoint().pk
