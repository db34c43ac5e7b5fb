"""The public portal (W): publicity board, service-station directory, deputies. No login needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minyi.core.masking import mask_name
from minyi.core.models import DeputyRecord, Unit, UnitKind
from minyi.core.record.public import public_event_view, public_events


@dataclass(frozen=True)
class DeputyCard:
    masked_name: str
    body: str
    level: str
    unit: str
    delegation: str


def home(request: HttpRequest) -> HttpResponse:
    size = settings.MINYI_PORTAL_LIST_SIZE
    # The shared public projection: officials acting in office by unit and role, personal data masked.
    notices = [public_event_view(event) for event in public_events()[:size]]
    stations = Unit.objects.filter(kind=UnitKind.STATION, is_active=True).order_by("path")[:size]
    today = timezone.localdate()
    records = (
        DeputyRecord.objects.filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .select_related("person", "unit")
        .order_by("unit__path", "id")[:size]
    )
    deputies = [
        DeputyCard(
            mask_name(r.person.name), r.get_body_display(), r.get_level_display(), r.unit.name, r.delegation
        )
        for r in records
    ]
    return render(
        request,
        "portal/home.html",
        {"notices": notices, "stations": stations, "deputies": deputies, "nav": "home"},
    )
