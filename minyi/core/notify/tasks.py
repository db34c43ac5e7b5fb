"""Huey tasks for notification delivery. `minyi.core.tasks` imports this module so Huey registers them."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from minyi.core.notify.delivery import deliver, send_digests


@db_task()
def deliver_notifications(notification_ids: list[int]) -> None:
    """Queued by notify() on commit: immediate email, SMS and WeChat."""
    deliver(notification_ids)


def digest_due(moment: datetime) -> bool:
    """True in the first minute of MINYI_DIGEST_HOUR, site local time (settings.TIME_ZONE).

    Huey hands periodic checks a naive UTC time (or the machine's local time when `utc=False`), which
    is not the site's time zone; a plain crontab(hour=...) would fire at the wrong hour.
    """
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC) if HUEY.utc else moment.astimezone()
    local = timezone.localtime(moment)
    return local.hour == settings.MINYI_DIGEST_HOUR and local.minute == 0


@db_periodic_task(digest_due)
def send_daily_digest() -> int:
    return send_digests()
