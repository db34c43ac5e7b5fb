"""P4 API (mounted under /api/v1/projects): the effect results for the next deputies' assembly.

Public read; a result's figures are null (and `shares` empty) until its survey is published, except
for supervision roles of the requested unit. Staff start an evaluation early with POST. Errors are {code, message, details}.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId
from minyi.core.errors import NotFound, NotPermitted
from minyi.core.models import Unit
from minyi.projects.effect.actions import do_start_effect_evaluation
from minyi.projects.effect.report import ResultRow, as_rows, results
from minyi.projects.models import Project
from minyi.surveys.models import SurveyState

router = Router(tags=["projects"])


class GroupOut(Schema):
    name: str
    weight: Decimal
    responses: int
    rate: Decimal | None


class EffectResultOut(Schema):
    id: int
    project_id: int
    project: str
    unit_id: int
    round_id: int | None
    survey_id: int
    completed_on: dt.date
    due_on: dt.date
    survey_state: str
    published: bool
    responses: int | None
    satisfaction_rate: Decimal | None
    grade: str
    shares: dict[str, Decimal | None]
    groups: list[GroupOut]
    reported_at: dt.datetime | None
    assembly: str


class EffectFilters(PageQuery):
    unit: int | None = None
    state: Literal["pending", "reported", "all"] = "pending"


class StartedOut(Schema):
    id: int
    project_id: int
    survey_id: int
    due_on: dt.date


def _out(row: ResultRow) -> EffectResultOut:
    e = row.evaluation
    return EffectResultOut(
        id=e.pk,
        project_id=e.project_id,
        project=e.project.title,
        unit_id=e.project.unit_id,
        round_id=e.project.round_id,
        survey_id=e.survey_id,
        completed_on=e.completed_on,
        due_on=e.due_on,
        survey_state=e.survey.state,
        published=e.survey.state == SurveyState.PUBLISHED,
        responses=e.responses if row.visible else None,
        satisfaction_rate=e.satisfaction_rate if row.visible else None,
        grade=e.grade if row.visible else "",
        shares={label: row.share(label) for label in e.shares} if row.visible else {},
        groups=[GroupOut(**g) for g in e.groups] if row.visible else [],
        reported_at=e.reported_at,
        assembly=e.assembly,
    )


@router.get(
    "/effect-results", response={200: Page[EffectResultOut], **error_responses(401, 404, 422)}, auth=None
)
def list_effect_results(request: HttpRequest, filters: Query[EffectFilters]) -> Any:
    """Attached effect results: pending the next assembly (default), reported, or all (paginated,
    constant queries per page)."""
    person = optional_person(request)
    unit = None
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        if unit is None:
            raise NotFound("unit_not_found", _("单位不存在"))
    reported = {"pending": False, "reported": True, "all": None}[filters.state]
    rows = results(unit, reported=reported)
    return paginate(request, rows, filters, lambda page: [_out(r) for r in as_rows(page, unit, person)])


@router.post(
    "/projects/{project_id}/effect-evaluation",
    response={201: StartedOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def start_effect_evaluation(request: HttpRequest, project_id: ObjectId) -> Any:
    """Staff of the project's unit start the evaluation before its due date (the daily task does it then)."""
    person = current_person(request)
    project = Project.objects.select_related("unit").filter(pk=project_id).first()
    if project is None:
        raise NotFound("project_not_found", _("项目不存在"))
    if not person.has_perm("projects.start_effect_evaluation", project):
        raise NotPermitted("not_permitted", _("只有项目所在单位的工作人员可以发起效果评价"))
    e = do_start_effect_evaluation(project, actor=Actor(person=person))
    return 201, StartedOut(id=e.pk, project_id=e.project_id, survey_id=e.survey_id, due_on=e.due_on)
