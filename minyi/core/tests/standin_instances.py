"""STAND-IN for the process engine (minyi.core.engine) until it is merged — tests only.

Pages tests need open process instances to show on the workbench. The engine helper is building the
real way to start them; until it lands, this factory creates rows with explicit fields. The lead
will switch callers to the engine's start function.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from minyi.core.models import ProcessInstance, Unit

_subject_ids = itertools.count(1)


def standin_instance(
    *,
    title: str,
    unit: Unit,
    awaiting_roles: list[str],
    deadline_at: dt.datetime | None = None,
    process: str = "voices.voice",
    state: str = "handling",
    is_final: bool = False,
) -> ProcessInstance:
    return ProcessInstance.objects.create(
        process=process,
        version=1,
        subject_type="test.standin",
        subject_id=str(next(_subject_ids)),
        title=title,
        unit=unit,
        state=state,
        state_entered_at=timezone.now(),
        deadline_at=deadline_at,
        awaiting_roles="," + ",".join(awaiting_roles) + "," if awaiting_roles else "",
        is_final=is_final,
    )
