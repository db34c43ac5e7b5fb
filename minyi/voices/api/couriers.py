"""API: couriers (V6) — appointments for staff, visits for couriers, under /api/v1/voices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from minyi.core.actors import Actor
from minyi.core.apiutil.actors import actor_in_role
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotFound, NotPermitted
from minyi.core.models import Person, Unit
from minyi.voices.actions.couriers import (
    AppointmentInput,
    ReportedVoice,
    VisitInput,
    do_appoint_courier,
    do_log_courier_visit,
)
from minyi.voices.models import Category, CourierAppointment, CourierVisit
from minyi.voices.suggest_rules import COURIER_MANAGER_ROLES, managed_appointments

router = Router(tags=["voices"])


class AppointmentOut(Schema):
    id: int
    person: int
    person_name: str
    community: int
    community_name: str
    year: int
    subsidy_amount: Decimal
    subsidy_period: str
    status: str
    appointed_at: dt.datetime


class AppointmentIn(Schema):
    person: ObjectId
    community: ObjectId
    year: int = Field(..., ge=2000, le=2100)
    subsidy_amount: Decimal = Field(..., ge=0, le=100000, decimal_places=2)
    subsidy_period: Literal["month", "year"] = "month"


class AppointmentFilters(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)


class VoiceDraftIn(Schema):
    title: Text = Field(..., min_length=1, max_length=100)
    content: Text = Field(..., min_length=1, max_length=4000)
    category: Text = Field(..., max_length=40)
    contact_name: Text = Field("", max_length=60)
    contact_phone: Text = Field("", max_length=20)


class VisitIn(Schema):
    community: ObjectId
    kind: Literal["visit", "diary"] = "visit"
    household: Text = Field("", max_length=120)
    heard: Text = Field(..., min_length=1, max_length=4000)
    category: Text | None = Field(None, max_length=40)
    visited_at: dt.datetime | None = None
    voices: list[VoiceDraftIn] = Field(default_factory=list, max_length=10)


class VisitOut(Schema):
    id: int
    community: int
    kind: str
    visited_at: dt.datetime
    household: str
    heard: str
    category: str | None
    voices: list[str] = Field(..., description="tracking codes of the voices registered from this visit")


def appointments_out(rows: list[CourierAppointment]) -> list[AppointmentOut]:
    return [
        AppointmentOut(
            id=a.pk,
            person=a.person_id,
            person_name=a.person.name,
            community=a.community_id,
            community_name=a.community.name,
            year=a.year,
            subsidy_amount=a.subsidy_amount,
            subsidy_period=a.subsidy_period,
            status=a.status,
            appointed_at=a.appointed_at,
        )
        for a in rows
    ]


def visits_out(rows: list[CourierVisit]) -> list[VisitOut]:
    return [
        VisitOut(
            id=v.pk,
            community=v.community_id,
            kind=v.kind,
            visited_at=v.visited_at,
            household=v.household,
            heard=v.heard,
            category=v.category.code if v.category else None,
            voices=[voice.tracking_code for voice in v.voices.all()],
        )
        for v in rows
    ]


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise NotFound("category_unknown", _("未知的类别"), {"field": "category"})
    return category


@router.get("/courier-appointments", response={200: Page[AppointmentOut], **error_responses(401, 422)})
def list_appointments(request: HttpRequest, filters: Query[AppointmentFilters]) -> dict[str, object]:
    person = current_person(request)
    rows: QuerySet[CourierAppointment] = managed_appointments(person).select_related("person", "community")
    if filters.year:
        rows = rows.filter(year=filters.year)
    return paginate(request, rows.order_by("-year", "community__path", "pk"), filters, appointments_out)


@router.post(
    "/courier-appointments", response={201: AppointmentOut, **error_responses(400, 401, 403, 404, 422)}
)
def appoint(request: HttpRequest, data: AppointmentIn) -> tuple[int, AppointmentOut]:
    me = current_person(request)
    community = Unit.objects.filter(pk=data.community).first()
    if community is None:
        raise NotFound("unit_unknown", _("未知的单位"), {"field": "community"})
    if not me.has_perm("voices.manage_couriers", community):
        raise NotPermitted("not_permitted", _("您没有聘任该社区民情专递员的权限"))
    person = Person.objects.filter(pk=data.person).first()
    if person is None:
        raise NotFound("person_unknown", _("未知的人员"), {"field": "person"})
    appointment = do_appoint_courier(
        AppointmentInput(
            person=person,
            community=community,
            year=data.year,
            subsidy_amount=data.subsidy_amount,
            subsidy_period=data.subsidy_period,
        ),
        actor=actor_in_role(me, COURIER_MANAGER_ROLES, community),
    )
    return 201, appointments_out([appointment])[0]


@router.get("/courier-visits", response={200: Page[VisitOut], **error_responses(401, 422)})
def my_visits(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, object]:
    """My visits and diary entries of this month, newest first."""
    person = current_person(request)
    month_start = timezone.localdate().replace(day=1)
    rows = (
        CourierVisit.objects.filter(courier=person, visited_at__date__gte=month_start)
        .select_related("category")
        .prefetch_related("voices")
        .order_by("-visited_at", "-pk")
    )
    return paginate(request, rows, filters, visits_out)


@router.post("/courier-visits", response={201: VisitOut, **error_responses(400, 401, 403, 404, 422)})
def log_visit(request: HttpRequest, data: VisitIn) -> tuple[int, VisitOut]:
    person = current_person(request)
    community = Unit.objects.filter(pk=data.community).first()
    if community is None:
        raise NotFound("unit_unknown", _("未知的单位"), {"field": "community"})
    visited_at = data.visited_at
    if visited_at is not None and timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    visit = do_log_courier_visit(
        VisitInput(
            community=community,
            heard=data.heard,
            kind=data.kind,
            household=data.household,
            category=_category(data.category) if data.category else None,
            visited_at=visited_at,
            voices=[
                ReportedVoice(
                    title=v.title,
                    content=v.content,
                    category=_category(v.category),
                    contact_name=v.contact_name,
                    contact_phone=v.contact_phone,
                )
                for v in data.voices
            ],
        ),
        actor=Actor(person=person, role="courier", unit=community),
    )
    return 201, visits_out([visit])[0]
