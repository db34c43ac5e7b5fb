"""Notifications: in-app rows now, delivery (email/SMS/WeChat, digests) after the transaction commits.

`notify()` is what every action calls. It writes the in-app rows inside the caller's transaction and
queues outward delivery with `transaction.on_commit`, so a rolled-back action notifies nobody.
See docs/notifications.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from minyi.core.models import Notification, NotificationPreference, Person
from minyi.core.models.notifications import EmailMode
from minyi.core.notify.preferences import preferences_for

TITLE_MAX = Notification._meta.get_field("title").max_length or 200


def notify(
    recipients: Iterable[Person], *, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one in-app notification per distinct recipient; delivery is queued on commit."""
    people: list[Person] = []
    seen: set[int] = set()
    for person in recipients:
        if person.pk not in seen:
            seen.add(person.pk)
            people.append(person)
    if not people:
        return []
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    preferences = preferences_for(people)
    rows = []
    for person in people:
        preference = preferences[person.pk]
        wants_digest = (
            preference.email_mode == EmailMode.DIGEST and bool(person.email) and not preference.mutes(kind)
        )
        rows.append(
            Notification(
                recipient=person, kind=kind, title=title, body=body, url=url, email_pending=wants_digest
            )
        )
    created = Notification.objects.bulk_create(rows)
    # Only rows someone wants delivered right away go to the queue; digests are picked up by the daily task.
    urgent = [
        row.pk
        for row, person in zip(created, people, strict=True)
        if _wants_immediate_delivery(person, preferences[person.pk], kind)
    ]
    if urgent:
        # robust: a queue outage after commit is logged, never raised into the action that already committed.
        transaction.on_commit(partial(_enqueue_delivery, urgent), robust=True)
    return created


def _wants_immediate_delivery(person: Person, preference: NotificationPreference, kind: str) -> bool:
    if preference.mutes(kind):
        return False
    wants_mail = preference.email_mode == EmailMode.IMMEDIATE and bool(person.email)
    return wants_mail or preference.sms or preference.wechat


def _enqueue_delivery(notification_ids: list[int]) -> None:
    from minyi.core.notify.tasks import deliver_notifications

    deliver_notifications(notification_ids)


def unread_count(person: Person) -> int:
    """Unread in-app notifications of a person (one query, served by the recipient/read_at index)."""
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def recent(person: Person, limit: int = 20) -> list[Notification]:
    """The person's newest notifications, read or not (one query)."""
    return list(Notification.objects.filter(recipient=person).order_by("-created_at", "-id")[:limit])


__all__ = ["notify", "recent", "unread_count"]
