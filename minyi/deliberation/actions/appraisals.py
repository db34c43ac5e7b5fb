"""D6 — 专项工作评议: departments appraised by weighted rater groups, scored on the spot (ballots SCORE).

The appraisal keeps the rater groups (weight + scoring form, `RaterGroupInput` JSON) and the raters;
opening the scoring creates and opens a secret SCORE poll whose subjects are the departments; closing
counts, publishes and announces it on the projector page. Grades come from the ballots rule's bands
(the seed's 满意 ≥80, 基本满意 60–80, 不满意 <60 unless configured otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from minyi.ballots.actions import (
    OptionInput,
    PollInput,
    do_close_poll,
    do_create_poll,
    do_open_poll,
    do_publish_poll,
)
from minyi.ballots.models import Method, Poll
from minyi.ballots.schemas import ScoreRuleInput
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.deliberation.actions.consultation import _required
from minyi.deliberation.models import Appraisal, AppraisalRater, AppraisalState
from minyi.deliberation.organisers import require_organiser

POLL_SUBJECT = "deliberation.appraisal"


@dataclass(frozen=True)
class AppraisalInput:
    title: str
    work: str
    held_at: dt.datetime
    departments: Sequence[Unit]
    groups: Sequence[dict[str, Any]]  # RaterGroupInput: code, name, weight, criteria[{code, name, weight}]


def check_groups(groups: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        rule = ScoreRuleInput.model_validate({"groups": list(groups)})
    except ValidationError as exc:
        raise ActionError(
            "groups_invalid",
            _("测评组设置不正确：%(error)s") % {"error": exc.errors()[0]["msg"]},
            {"field": "groups"},
        ) from exc
    return [g.model_dump(mode="json") for g in rule.groups]


def _event(
    appraisal: Appraisal, action: str, actor: Actor, data: dict[str, object], public: bool = True
) -> None:
    record_event(
        actor=actor,
        action=f"deliberation.appraisal.{action}",
        subject=appraisal,
        unit=appraisal.unit,
        public=public,
        data=data,
    )


def _locked(appraisal: Appraisal) -> Appraisal:
    return (
        Appraisal.objects.select_for_update(of=("self",)).select_related("unit", "poll").get(pk=appraisal.pk)
    )


def require_appraisal_state(appraisal: Appraisal, state: str) -> None:
    if appraisal.state != state:
        raise Conflict(
            "appraisal_wrong_state",
            _("评议当前为“%(state)s”，不能进行此操作") % {"state": AppraisalState(appraisal.state).label},
            {"state": appraisal.state},
        )


@transaction.atomic
def do_create_appraisal(unit: Unit, data: AppraisalInput, *, actor: Actor) -> Appraisal:
    require_organiser(actor, unit)
    if not data.departments:
        raise ActionError("departments_required", _("请选择被评议部门"), {"field": "departments"})
    if len({d.pk for d in data.departments}) != len(data.departments):
        raise ActionError("departments_repeated", _("被评议部门重复"), {"field": "departments"})
    groups = check_groups(data.groups)
    appraisal = Appraisal.objects.create(
        unit=unit,
        title=_required(data.title, "title_required", _("请填写评议名称"), "title", 200),
        work=_required(data.work, "work_required", _("请填写评议的专项工作"), "work"),
        held_at=data.held_at,
        groups=groups,
    )
    appraisal.departments.set(list(data.departments))
    _event(
        appraisal,
        "create",
        actor,
        {
            "title": appraisal.title,
            "departments": [d.pk for d in data.departments],
            "groups": [[g["code"], g["name"], g["weight"]] for g in groups],
        },
    )
    return appraisal


@transaction.atomic
def do_add_raters(
    appraisal: Appraisal, group: str, people: Sequence[Person], *, actor: Actor
) -> list[AppraisalRater]:
    """Put people in a rater group (代表组、群众代表组、服务对象组…); one group per person."""
    require_organiser(actor, appraisal.unit)
    appraisal = _locked(appraisal)
    require_appraisal_state(appraisal, AppraisalState.PREPARING)
    if group not in {g["code"] for g in appraisal.groups}:
        raise ActionError("group_unknown", _("未知的测评组"), {"field": "group"})
    taken = set(AppraisalRater.objects.filter(appraisal=appraisal).values_list("person_id", flat=True))
    clash = [p for p in people if p.pk in taken]
    if clash:
        raise Conflict("rater_exists", _("%(name)s 已在测评组中") % {"name": clash[0]}, {"field": "people"})
    rows = AppraisalRater.objects.bulk_create(
        AppraisalRater(appraisal=appraisal, person=p, group=group) for p in people
    )
    _event(appraisal, "raters", actor, {"group": group, "count": len(rows)}, public=False)
    return rows


@transaction.atomic
def do_start_scoring(appraisal: Appraisal, *, actor: Actor, secret: bool = True) -> Poll:
    """现场测评: create and open the SCORE poll; the raters are told to score on their phones."""
    require_organiser(actor, appraisal.unit)
    appraisal = _locked(appraisal)
    require_appraisal_state(appraisal, AppraisalState.PREPARING)
    by_group: dict[str, list[Person]] = defaultdict(list)
    for rater in AppraisalRater.objects.filter(appraisal=appraisal).select_related("person"):
        by_group[rater.group].append(rater.person)
    if not by_group:
        raise ActionError("raters_required", _("请先确定测评人员"), {"field": "raters"})
    departments = list(appraisal.departments.order_by("path"))
    poll = do_create_poll(
        PollInput(
            unit=appraisal.unit,
            title=appraisal.title,
            method=Method.SCORE,
            secrecy="secret" if secret else "named",
            rule={"groups": appraisal.groups},
            options=[
                OptionInput(label=d.name, key=f"u{d.pk}", subject_type="core.unit", subject_id=str(d.pk))
                for d in departments
            ],
            subject_type=POLL_SUBJECT,
            subject_id=str(appraisal.pk),
            description=appraisal.work,
        ),
        actor=actor,
    )
    # Groups without raters stay empty: the rule's empty_group (reweight by default) handles them.
    poll = do_open_poll(poll, actor=actor, raters={code: people for code, people in by_group.items()})
    appraisal.poll, appraisal.state = poll, AppraisalState.SCORING
    appraisal.save(update_fields=["poll", "state"])
    _event(appraisal, "scoring", actor, {"poll": poll.pk})
    notify(
        [p for people in by_group.values() for p in people],
        kind="deliberation.appraisal.scoring",
        title=_("请现场测评打分：%(title)s") % {"title": appraisal.title},
        url=f"/deliberation/appraisals/{appraisal.pk}/score/",
    )
    return poll


@transaction.atomic
def do_announce_appraisal(appraisal: Appraisal, *, actor: Actor) -> Appraisal:
    """Close the scoring, count, publish — 现场公布得分 on the projector page."""
    require_organiser(actor, appraisal.unit)
    appraisal = _locked(appraisal)
    require_appraisal_state(appraisal, AppraisalState.SCORING)
    assert appraisal.poll is not None
    poll = do_publish_poll(do_close_poll(appraisal.poll, actor=actor), actor=actor)
    appraisal.state = AppraisalState.ANNOUNCED
    appraisal.save(update_fields=["state"])
    options = (poll.result or {}).get("options", {})
    _event(
        appraisal,
        "announce",
        actor,
        {"poll": poll.pk, "scores": {k: [v["score"], v["grade"]] for k, v in options.items()}},
    )
    return appraisal


def appraisal_rows(appraisal: Appraisal) -> list[dict[str, Any]]:
    """Departments with their combined score and grade, best first (for pages and the API)."""
    poll = appraisal.poll
    options = ((poll.result or {}).get("options", {}) if poll is not None else {}) or {}
    rows = []
    for d in appraisal.departments.all():
        res = options.get(f"u{d.pk}", {})
        rows.append(
            {"unit": d, "score": res.get("score"), "grade": res.get("grade"), "groups": res.get("groups", [])}
        )
    rows.sort(key=lambda r: (r["score"] is None, -float(r["score"] or 0), r["unit"].name))
    return rows
