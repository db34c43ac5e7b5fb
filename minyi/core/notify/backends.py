"""Pluggable SMS and WeChat senders.

A backend is any class with a no-argument constructor and `send(person, notification) -> None`,
named by a dotted path in `settings.MINYI_SMS_BACKEND` / `settings.MINYI_WECHAT_BACKEND`. It may raise:
delivery logs the failure and carries on with the other channels (see delivery.py).
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from minyi.core.models import Notification, Person

logger = logging.getLogger("minyi.notify")


@runtime_checkable
class NotificationBackend(Protocol):
    def send(self, person: Person, notification: Notification) -> None: ...


class LoggingBackend:
    """Demo and default backend: writes one log line per message and sends nothing."""

    def send(self, person: Person, notification: Notification) -> None:
        # The person's id, not their phone number: logs are read more widely than the database.
        logger.info(
            "notification %s (%s) for person %s: %s [logging backend, not sent]",
            notification.pk,
            notification.kind,
            person.pk,
            notification.title,
        )


def load_backend(dotted_path: str) -> NotificationBackend:
    backend_class = import_string(dotted_path)
    backend = backend_class()
    if not isinstance(backend, NotificationBackend):
        raise ImproperlyConfigured(f"{dotted_path} has no send(person, notification) method")
    return backend


def sms_backend() -> NotificationBackend:
    return load_backend(settings.MINYI_SMS_BACKEND)


def wechat_backend() -> NotificationBackend:
    return load_backend(settings.MINYI_WECHAT_BACKEND)
