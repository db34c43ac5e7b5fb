"""Notifications: in-app rows now, delivery (email/SMS/WeChat, digests) after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from minyi.core.models import Notification, Person


def notify(recipients: Iterable[Person], *, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Create one in-app notification per distinct recipient; delivery is queued on commit."""
    seen: set[int] = set()
    rows: list[Notification] = []
    for person in recipients:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(Notification(recipient=person, kind=kind, title=title, body=body, url=url))
    return Notification.objects.bulk_create(rows)
