"""P3/P5/P6 API (mounted under /api/v1/projects): public reads of deliveries and funds; deputies and
resident representatives file problems. Errors are {code, message, details} (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotFound
from minyi.projects.delivery.actions import do_file_problem
from minyi.projects.delivery.models import Delivery
from minyi.projects.effect.api import router as effect_router
from minyi.projects.fund.actions import allocated
from minyi.projects.fund.models import Fund

router = Router(tags=["projects"])


class MilestoneOut(Schema):
    id: int
    title: str
    weight: int
    planned_start: dt.date
    planned_end: dt.date
    actual_end: dt.date | None
    progress: int


class DeliveryOut(Schema):
    id: int
    title: str
    unit_id: int
    year: int
    budget: Decimal
    progress: int
    subject_type: str
    subject_id: str


class DeliveryDetailOut(DeliveryOut):
    spent: Decimal
    milestones: list[MilestoneOut]


class ProblemIn(Schema):
    text: Text


class ProblemOut(Schema):
    id: int
    delivery_id: int
    voice_tracking_code: str
    filed_at: dt.datetime


class FundItemOut(Schema):
    id: int
    title: str
    township_id: int
    cost: Decimal
    score: Decimal | None
    status: str


class FundOut(Schema):
    id: int
    title: str
    year: int
    total: Decimal
    allocated: Decimal
    decided_at: dt.datetime | None
    items: list[FundItemOut]


class DeliveryFilters(PageQuery):
    year: int | None = None


def _out(rows: list[Delivery]) -> list[DeliveryOut]:
    return [
        DeliveryOut(
            id=d.pk,
            title=d.title,
            unit_id=d.unit_id,
            year=d.year,
            budget=d.budget,
            progress=d.progress,
            subject_type=d.subject_type,
            subject_id=d.subject_id,
        )
        for d in rows
    ]


@router.get("/deliveries", response={200: Page[DeliveryOut], **error_responses(401, 422)}, auth=None)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilters]) -> Any:
    """Projects under delivery supervision with derived progress (constant queries per page)."""
    optional_person(request)
    rows = Delivery.objects.with_progress().order_by("-year", "pk")
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    return paginate(request, rows, filters, _out)


def _delivery(delivery_id: int) -> Delivery:
    delivery = Delivery.objects.with_progress().select_related("unit").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound("delivery_not_found", _("项目不存在"))
    return delivery


@router.get(
    "/deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **error_responses(401, 404, 422)},
    auth=None,
)
def get_delivery(request: HttpRequest, delivery_id: ObjectId) -> Any:
    optional_person(request)
    d = _delivery(delivery_id)
    payments = list(d.payments.values_list("amount", flat=True))
    return DeliveryDetailOut(
        **_out([d])[0].model_dump(),
        spent=sum(payments, Decimal(0)),
        milestones=[MilestoneOut.model_validate(m, from_attributes=True) for m in d.milestones.all()],
    )


@router.post(
    "/deliveries/{delivery_id}/problems",
    response={201: ProblemOut, **error_responses(400, 401, 403, 404, 422)},
)
def file_problem(request: HttpRequest, delivery_id: ObjectId, payload: ProblemIn) -> Any:
    """民呼我督: a deputy or resident representative reports a problem; it becomes a voice at the township."""
    problem = do_file_problem(
        _delivery(delivery_id), payload.text, actor=Actor(person=current_person(request))
    )
    return 201, ProblemOut(
        id=problem.pk,
        delivery_id=problem.delivery_id,
        voice_tracking_code=problem.voice.tracking_code,
        filed_at=problem.filed_at,
    )


@router.get("/funds/{fund_id}", response={200: FundOut, **error_responses(401, 404, 422)}, auth=None)
def get_fund(request: HttpRequest, fund_id: ObjectId) -> Any:
    """The special fund's use, public: total, items, amounts, status."""
    optional_person(request)
    fund = Fund.objects.filter(pk=fund_id).first()
    if fund is None:
        raise NotFound("fund_not_found", _("专项资金不存在"))
    return FundOut(
        id=fund.pk,
        title=fund.title,
        year=fund.year,
        total=fund.total,
        allocated=allocated(fund),
        decided_at=fund.decided_at,
        items=[FundItemOut.model_validate(i, from_attributes=True) for i in fund.items.all()],
    )


# P4 effect results (minyi/projects/effect/api.py).
router.add_router("", effect_router)
