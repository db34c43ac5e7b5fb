"""Backends and people for the notification tests (a module, so settings can name the backends by path)."""

from __future__ import annotations

from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actors import Actor
from minyi.core.models import Notification, Person


class RecordingBackend:
    sent: list[tuple[int, int]] = []  # (person id, notification id)

    def send(self, person: Person, notification: Notification) -> None:
        RecordingBackend.sent.append((person.pk, notification.pk))


class FailingBackend:
    def send(self, person: Person, notification: Notification) -> None:
        raise ConnectionError("gateway down")


class NotABackend:
    pass


class FailingEmailBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages: list[object]) -> int:
        raise ConnectionRefusedError("smtp down")


def make_recipient(username: str, *, email: str = "", phone: str = "", language: str = "zh-hans") -> Person:
    person = do_create_person(
        PersonInput(username=username, name=f"{username}-name", email=email, phone=phone),
        actor=Actor.system(),
    )
    if language != "zh-hans":
        # No action sets the interface language yet (the profile page will own it).
        Person.objects.filter(pk=person.pk).update(language=language)
        person.refresh_from_db()
    return person
