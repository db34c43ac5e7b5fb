"""Outward delivery, run by Huey after the action's transaction has committed.

Every channel is isolated: a failing mail server, SMS gateway or WeChat API is logged and the other
channels still run. Nothing here raises into the task runner except a database outage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import groupby

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from minyi.core.models import Notification, Person
from minyi.core.models.notifications import EmailMode
from minyi.core.notify.backends import NotificationBackend, sms_backend, wechat_backend
from minyi.core.notify.mail import digest_message, immediate_message
from minyi.core.notify.preferences import preference_for

logger = logging.getLogger("minyi.notify")

# People handled per query in the digest: bounds memory whatever the size of the backlog.
DIGEST_BATCH_PEOPLE = 500


class _LazyBackend:
    """Loads a backend on first use, once per delivery run; a bad dotted path disables only that channel."""

    def __init__(self, channel: str, loader: Callable[[], NotificationBackend]) -> None:
        self.channel = channel
        self.loader = loader
        self.backend: NotificationBackend | None = None
        self.broken = False

    def send(self, person: Person, notification: Notification) -> bool:
        if self.broken:
            return False
        try:
            if self.backend is None:
                self.backend = self.loader()
            self.backend.send(person, notification)
        except Exception:
            if self.backend is None:
                self.broken = True
            logger.exception(
                "%s delivery failed for notification %s to person %s",
                self.channel,
                notification.pk,
                person.pk,
            )
            return False
        return True


def deliver(notification_ids: list[int]) -> None:
    """Immediate email, SMS and WeChat for these notifications, by each recipient's current preference."""
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("id")
    )
    sms = _LazyBackend("sms", sms_backend)
    wechat = _LazyBackend("wechat", wechat_backend)
    mail_due: list[Notification] = []
    for notification in notifications:
        person = notification.recipient
        preference = preference_for(person)
        if preference.mutes(notification.kind):
            continue
        if (
            preference.email_mode == EmailMode.IMMEDIATE
            and person.email
            and notification.emailed_at is None
            and not notification.email_pending
        ):
            mail_due.append(notification)
        if preference.sms and person.phone:
            sms.send(person, notification)
        if preference.wechat:
            wechat.send(person, notification)
    if mail_due:
        _send_immediate_mail(mail_due)


def _send_immediate_mail(notifications: list[Notification]) -> None:
    sent: list[int] = []
    failed: list[int] = []
    try:
        connection = get_connection()
        connection.open()
    except Exception:
        logger.exception("mail server unavailable; %d notifications wait for the digest", len(notifications))
        failed = [n.pk for n in notifications]
    else:
        try:
            for notification in notifications:
                try:
                    connection.send_messages([immediate_message(notification.recipient, notification)])
                    sent.append(notification.pk)
                except Exception:
                    logger.exception(
                        "mail for notification %s failed; it waits for the digest", notification.pk
                    )
                    failed.append(notification.pk)
        finally:
            connection.close()
    if sent:
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    if failed:
        # A lost immediate mail is retried once a day by the digest rather than dropped.
        Notification.objects.filter(pk__in=failed, emailed_at__isnull=True).update(email_pending=True)


def send_digests(now: datetime | None = None) -> int:
    """One mail per person with all their pending notifications; marks them emailed. Returns mails sent."""
    now = now or timezone.now()
    recipient_ids = list(
        Notification.objects.filter(email_pending=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    mails = 0
    for start in range(0, len(recipient_ids), DIGEST_BATCH_PEOPLE):
        batch = recipient_ids[start : start + DIGEST_BATCH_PEOPLE]
        for person, notifications in _pending_by_person(batch):
            mails += _send_one_digest(person, notifications, now)
    return mails


def _pending_by_person(recipient_ids: list[int]) -> Iterator[tuple[Person, list[Notification]]]:
    pending = (
        Notification.objects.filter(email_pending=True, recipient_id__in=recipient_ids)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("recipient_id", "created_at", "id")
    )
    for _recipient_id, group in groupby(pending, key=lambda n: n.recipient_id):
        notifications = list(group)
        yield notifications[0].recipient, notifications


def _send_one_digest(person: Person, notifications: list[Notification], now: datetime) -> int:
    preference = preference_for(person)
    wanted = [n for n in notifications if not preference.mutes(n.kind)]
    if not person.email or preference.email_mode == EmailMode.NONE or not wanted:
        # Preferences changed since the rows were made (or the address was removed): drop them from the
        # queue instead of rescanning them every day.
        logger.info("digest for person %s skipped (no address or email turned off)", person.pk)
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(email_pending=False)
        return 0
    unwanted = [n.pk for n in notifications if preference.mutes(n.kind)]
    try:
        with transaction.atomic():
            # Claim the rows: a second consumer running the same digest skips them (PostgreSQL).
            claimed = set(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[n.pk for n in wanted], email_pending=True)
                .values_list("pk", flat=True)
            )
            wanted = [n for n in wanted if n.pk in claimed]
            if not wanted:
                return 0
            digest_message(person, wanted).send()
            Notification.objects.filter(pk__in=claimed).update(emailed_at=now, email_pending=False)
    except Exception:
        # The rows stay pending and go out with tomorrow's digest.
        logger.exception("digest mail to person %s failed", person.pk)
        return 0
    if unwanted:
        Notification.objects.filter(pk__in=unwanted).update(email_pending=False)
    return 1
