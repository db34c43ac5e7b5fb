"""Notifications: in-app rows now, delivery (email/SMS/WeChat, digests) after the transaction commits.

`notify()` is what every action calls. It writes the in-app rows inside the caller's transaction and
queues outward delivery with `transaction.on_commit`, so a rolled-back action notifies nobody.
See docs/notifications.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from minyi.core.models import Notification, NotificationPreference, Person
from minyi.core.models.notifications import EmailMode
from minyi.core.notify.preferences import preferences_for

TITLE_MAX = Notification._meta.get_field("title").max_length or 200


@dataclass(frozen=True)
class Message:
    """One notification to some people (`notify_many` takes several)."""

    recipients: Iterable[Person]
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(
    recipients: Iterable[Person], *, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one in-app notification per distinct recipient; delivery is queued on commit."""
    return notify_many([Message(recipients, kind, title, body, url)])[0]


def notify_many(messages: Sequence[Message]) -> list[list[Notification]]:
    """`notify` for several messages at once: one preferences read and one insert for all of them."""
    batches: list[list[Person]] = []
    for message in messages:
        people: list[Person] = []
        seen: set[int] = set()
        for person in message.recipients:
            if person.pk not in seen:
                seen.add(person.pk)
                people.append(person)
        batches.append(people)
    everyone = list({person.pk: person for people in batches for person in people}.values())
    if not everyone:
        return [[] for _ in messages]
    preferences = preferences_for(everyone)
    rows: list[Notification] = []
    owners: list[Person] = []
    for message, people in zip(messages, batches, strict=True):
        title = message.title
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        for person in people:
            preference = preferences[person.pk]
            wants_digest = (
                preference.email_mode == EmailMode.DIGEST
                and bool(person.email)
                and not preference.mutes(message.kind)
            )
            rows.append(
                Notification(
                    recipient=person, kind=message.kind, title=title, body=message.body, url=message.url,
                    email_pending=wants_digest,
                )
            )  # fmt: skip
            owners.append(person)
    created = Notification.objects.bulk_create(rows)
    # Only rows someone wants delivered right away go to the queue; digests are picked up by the daily task.
    urgent = [
        row.pk
        for row, person in zip(created, owners, strict=True)
        if _wants_immediate_delivery(person, preferences[person.pk], row.kind)
    ]
    if urgent:
        # robust: a queue outage after commit is logged, never raised into the action that already committed.
        transaction.on_commit(partial(_enqueue_delivery, urgent), robust=True)
    result: list[list[Notification]] = []
    at = 0
    for people in batches:
        result.append(created[at : at + len(people)])
        at += len(people)
    return result


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


__all__ = ["Message", "notify", "notify_many", "recent", "unread_count"]
