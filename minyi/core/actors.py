"""Who is acting: a person, in one of their roles, on behalf of a unit. Every do_* action takes one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minyi.core.models import Person, Unit


@dataclass(frozen=True)
class Actor:
    person: Person | None
    role: str = ""
    unit: Unit | None = None

    @classmethod
    def system(cls) -> Actor:
        """The platform itself (deadline sweeps, scheduled posting)."""
        return cls(person=None, role="system", unit=None)

    @property
    def is_system(self) -> bool:
        return self.person is None
