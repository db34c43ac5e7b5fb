"""Periodic signing of the public record."""

from __future__ import annotations

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task

from minyi.core.record.checkpoint import make_checkpoint
from minyi.core.schedule import every_minutes


@db_periodic_task(every_minutes(settings.MINYI_CHECKPOINT_MINUTES), name="core.record.checkpoint")
def checkpoint_record() -> int:
    """Sign every chain head; returns the checkpoint's id."""
    return make_checkpoint().pk
