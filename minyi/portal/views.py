"""The public portal (W): publicity board, service-station directory, deputies. No login needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minyi.core.models import DeputyRecord, Event, Unit, UnitKind

# Public event actions, stated without names. Apps add theirs as they publish events; an unknown
# action falls back to a neutral wording rather than its code.
PUBLIC_ACTION_LABELS: dict[str, str | Promise] = {
    "core.deputy.add": _("代表委员信息登记"),
    "core.unit.create": _("新设单位"),
}


def public_action_label(action: str) -> str:
    return str(PUBLIC_ACTION_LABELS.get(action, _("公示事项")))


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***. Stands in for minyi.core.masking.mask_name until that is merged."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


@dataclass(frozen=True)
class PublicNotice:
    title: str
    unit: str
    at: object


@dataclass(frozen=True)
class DeputyCard:
    masked_name: str
    body: str
    level: str
    unit: str
    delegation: str


def home(request: HttpRequest) -> HttpResponse:
    size = settings.MINYI_PORTAL_LIST_SIZE
    events = Event.objects.filter(public=True).select_related("unit").order_by("-occurred_at", "-id")[:size]
    # Only what the notice needs is read: never the actor, never the event data (it may name people).
    notices = [
        PublicNotice(public_action_label(e.action), e.unit.name if e.unit else "", e.occurred_at)
        for e in events
    ]
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
