"""Marking in-app notifications read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.models import Notification


@transaction.atomic
def do_mark_notification_read(notification: Notification, *, actor: Actor) -> Notification:
    """Idempotent. No public-record event: reading one's own inbox is private bookkeeping, not a decision."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
