"""Projects HTTP API (mounted at /api/v1/projects). Errors are {code, message, details} (docs/api.md).

Public reads (`auth=None`): rounds, a round's published result, the year's projects, the `.pb` export
of a published round. Residents recommend with POST; deputies vote through the ballots API.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.errors import NotFound
from minyi.core.models import Unit
from minyi.projects.actions.pabulib_io import export_pabulib
from minyi.projects.actions.projects import RecommendationInput, do_recommend_project
from minyi.projects.delivery.api import router as delivery_router
from minyi.projects.models import Project, Round, RoundState

router = Router(tags=["projects"])


class RoundOut(Schema):
    id: int
    unit_id: int
    year: int
    title: str
    seats: int
    budget: Decimal | None
    state: str
    selection_rule: str


class ProjectOut(Schema):
    id: int
    round_id: int | None
    unit_id: int
    title: str
    place: str
    cost: Decimal
    beneficiaries: int | None
    category: str
    source: str
    status: str
    screening_reason: str
    votes: int | None


class ResultOut(Schema):
    round: RoundOut
    published: bool
    result: dict[str, Any]


class RecommendIn(Schema):
    title: str
    description: str
    unit: int | None = None
    cost: Decimal | None = None
    place: str = ""
    beneficiaries: int | None = None
    category: str = "other"


def _round(pk: int) -> Round:
    round_ = Round.objects.filter(pk=pk).first()
    if round_ is None:
        raise NotFound("round_not_found", "票决轮次不存在")
    return round_


@router.get("rounds", response=list[RoundOut], auth=None)
def list_rounds(request: HttpRequest, year: int | None = None) -> list[Round]:
    rounds = Round.objects.order_by("-year", "pk")
    return list(rounds.filter(year=year) if year else rounds[:200])


@router.get("rounds/{pk}", response={200: ResultOut, **error_responses(404)}, auth=None)
def round_result(request: HttpRequest, pk: int) -> dict[str, Any]:
    round_ = _round(pk)
    published = round_.state == RoundState.PUBLISHED
    return {"round": round_, "published": published, "result": round_.result if published else {}}


@router.get("projects", response=list[ProjectOut], auth=None)
def list_projects(request: HttpRequest, year: int | None = None, round: int | None = None) -> list[Project]:
    projects = Project.objects.order_by("pk")
    if year:
        projects = projects.filter(round__year=year)
    if round:
        projects = projects.filter(round_id=round)
    return list(projects[:1000])


@router.post("rounds/{pk}/recommend", response={201: ProjectOut, **error_responses(400, 401, 403, 404, 409)})
def recommend(request: HttpRequest, pk: int, payload: RecommendIn) -> tuple[int, Project]:
    round_ = _round(pk)
    unit = Unit.objects.filter(pk=payload.unit).first() if payload.unit else None
    project = do_recommend_project(
        round_,
        RecommendationInput(
            title=payload.title,
            description=payload.description,
            unit=unit,
            cost=payload.cost,
            place=payload.place,
            beneficiaries=payload.beneficiaries,
            category=payload.category,
        ),
        actor=Actor(person=current_person(request)),
    )
    return 201, project


@router.get("rounds/{pk}/export.pb", auth=None, response={200: None, **error_responses(404)})
def export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    if not request.user.has_perm("projects.export_pabulib", round_):
        raise NotFound("round_not_published", "结果尚未公布")
    response = HttpResponse(export_pabulib(round_), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}.pb"'
    return response

# P3/P5/P6 endpoints.
router.add_router("", delivery_router)
