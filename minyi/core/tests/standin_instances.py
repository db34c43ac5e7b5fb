"""Process-instance rows for workbench and browser tests.

The workbench must be tested with deadlines years in the past and arbitrary awaiting roles, which
the engine (rightly) never produces on demand. So this factory writes the rows directly — but for a
real, registered process definition, so titles and deadline kinds come from the engine as in
production. Everything else creates instances through `minyi.core.engine.runtime.start`.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from minyi.core.engine import registry
from minyi.core.engine.definitions import parse_definition
from minyi.core.models import ProcessInstance, Unit

_subject_ids = itertools.count(1)

SAMPLE_YAML = """\
name: {name}
version: 1
title: {{zh: 样例流程{name}, en: Sample {name}}}
initial: handling
states:
  handling:
    title: {{zh: 办理中, en: Handling}}
    deadline: {{days: 15, calendar: working}}
  consulting:
    title: {{zh: 商议中, en: Consulting}}
    deadline: {{days: 10, calendar: calendar}}
  done:
    title: {{zh: 已办结, en: Done}}
    final: true
transitions:
  consult:
    title: {{zh: 商议, en: Consult}}
    from: [handling]
    to: consulting
    roles: [township_staff, deputy, department_handler, community_staff]
  finish:
    title: {{zh: 办结, en: Finish}}
    from: [handling, consulting]
    to: done
    roles: [township_staff, deputy, department_handler, community_staff]
"""


def sample_process(name: str) -> str:
    """Register (once) a real definition called `name` and return the name."""
    try:
        registry.current_definition(name)
    except LookupError:
        registry.register(parse_definition(SAMPLE_YAML.format(name=name), f"tests/{name}.yaml"))
    return name


def standin_instance(
    *,
    title: str,
    unit: Unit,
    awaiting_roles: list[str],
    deadline_at: dt.datetime | None = None,
    process: str = "sample_voice",
    state: str = "handling",
    is_final: bool = False,
) -> ProcessInstance:
    return ProcessInstance.objects.create(
        process=sample_process(process),
        version=1,
        subject_type="core.unit",
        subject_id=str(unit.pk) + "-" + str(next(_subject_ids)),
        title=title,
        unit=unit,
        state=state,
        state_entered_at=timezone.now(),
        deadline_at=deadline_at,
        awaiting_roles="," + ",".join(awaiting_roles) + "," if awaiting_roles else "",
        is_final=is_final,
    )
