"""How any model instance is named in events, process instances and attachments."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


def subject_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def subject_ref(obj: models.Model) -> tuple[str, str]:
    return subject_type(obj), str(obj.pk)


def chain_name(obj: models.Model) -> str:
    kind, pk = subject_ref(obj)
    return f"{kind}:{pk}"


class RelationalPeople:
    """For subjects whose relational roles (O3) are people named in their own fields.

    `RELATIONAL_FIELDS` maps a relational role code to the foreign key holding that person, e.g.
    `{"submitter": "proposer"}`; the engine asks `relational_roles(person)` when a step is taken and
    `relational_people(role)` when it must tell them something.
    """

    RELATIONAL_FIELDS: ClassVar[dict[str, str]] = {}

    def relational_roles(self, person: object) -> set[str]:
        pk = getattr(person, "pk", None)
        if pk is None:
            return set()
        return {role for role, field in self.RELATIONAL_FIELDS.items() if getattr(self, f"{field}_id") == pk}

    def relational_people(self, role: str) -> list[object]:
        field = self.RELATIONAL_FIELDS.get(role)
        person = getattr(self, field) if field else None
        return [person] if person is not None else []
