"""Pages: search, likely duplicates (htmx fragment), hot spots, showcase (see minyi/voices/urls.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from minyi.core.masking import mask_text
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.paging import CappedPaginator
from minyi.core.scope import scope_roots, units_in_scope
from minyi.voices.hotspots import HotspotFilters, find_hotspots
from minyi.voices.insights_labels import state_title, voice_url
from minyi.voices.models import Category, Voice
from minyi.voices.queries import AREA_ROLES
from minyi.voices.search import search_voices
from minyi.voices.search.states import in_state_q
from minyi.voices.similarity import similar_open_voices

MAX_QUERY_CHARS = 100
MAX_SIMILAR_TEXT_CHARS = 4000
SHOWCASE_PAGE_SIZE = 20
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


def _person(request: HttpRequest) -> Person | None:
    user = request.user
    return user if isinstance(user, Person) and user.is_authenticated else None


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10_000 else 1


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_CHARS]
    raw_before = request.GET.get("before", "")
    before = int(raw_before) if raw_before.isdigit() and 0 < int(raw_before) < 2**62 else None  # older than
    page = _page_number(request.GET.get("page"))
    results = search_voices(person, query, page=page, before=before) if query else None
    rows = [
        {
            "hit": hit,
            "url": voice_url(hit.voice, person),
            "state": state_title(getattr(hit.voice, "state", "")),
        }
        for hit in (results.hits if results else [])
    ]
    context = {
        "query": query,
        "results": results,
        "rows": rows,
        "candidates": settings.MINYI_VOICE_SEARCH_CANDIDATES,
    }
    return render(request, "voices/insights/search.html", context)


class SimilarForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.all())
    text = forms.CharField(max_length=MAX_SIMILAR_TEXT_CHARS)
    title = forms.CharField(max_length=100, required=False)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Likely duplicates for the intake form: `hx-get` with the form's unit and text (and title)."""
    form = SimilarForm(request.GET)
    found = []
    if form.is_valid():
        text = f"{form.cleaned_data['title']} {form.cleaned_data['text']}"
        found = similar_open_voices(form.cleaned_data["unit"], text, person=_person(request))
    rows = [
        {"item": item, "title": mask_text(item.title) if item.title else "", "state": state_title(item.state)}
        for item in found
    ]
    return render(request, "voices/insights/similar.html", {"rows": rows})


class HotspotFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("时间范围"),
        choices=[("30", _("近30天")), ("90", _("近90天")), ("365", _("近一年")), ("all", _("全部"))],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("区域"), queryset=Unit.objects.none(), required=False, empty_label=_("全部辖区")
    )
    category = forms.ModelChoiceField(
        label=_("类别"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部类别"),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Districts and townships in the person's scope (communities would make the list city-sized).
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(
            units_in_scope(person, AREA_ROLES),
            kind__in=[UnitKind.CITY, UnitKind.DISTRICT, UnitKind.TOWNSHIP],
        ).order_by("path")


def _hotspot_person(request: HttpRequest) -> Person:
    person = _person(request)
    if person is None or not scope_roots(person, AREA_ROLES):
        raise PermissionDenied
    return person


@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    person = _hotspot_person(request)
    form = HotspotFilterForm(request.GET or None, person=person)
    period, root, category = "90", None, None
    if form.is_valid():
        period = form.cleaned_data["period"] or period
        root, category = form.cleaned_data["unit"], form.cleaned_data["category"]
    days = PERIODS[period]
    since = timezone.now() - dt.timedelta(days=days) if days else None
    report = find_hotspots(person, HotspotFilters(since=since, root=root, category=category))
    chart = {
        "labels": [h.label for h in report.hotspots[:15]],
        "counts": [h.count for h in report.hotspots[:15]],
    }
    return render(request, "voices/insights/hotspots.html", {"form": form, "report": report, "chart": chart})


def showcase_voices() -> Any:
    """Well-handled items: published, closed, resolved (落实) and rated satisfied."""
    return Voice.objects.filter(
        Q(is_published=True, resolution="resolved", satisfaction="satisfied") & in_state_q("closed")
    )


@require_GET
def showcase(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    voices = (
        showcase_voices().select_related("category", "unit", "lead_department").order_by("-closed_at", "-pk")
    )
    page = CappedPaginator(voices, SHOWCASE_PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    rows = [
        {
            "voice": voice,
            "title": mask_text(voice.title),
            "content": mask_text(voice.content),
            "reply": mask_text(voice.reply),
            "url": voice_url(voice, person),
        }
        for voice in page.object_list
    ]
    return render(request, "voices/insights/showcase.html", {"page": page, "rows": rows})


urlpatterns: list[URLPattern] = [
    path("search/", search, name="search"),
    path("similar/", similar, name="similar"),
    path("hotspots/", hotspots, name="hotspots"),
    path("showcase/", showcase, name="showcase"),
]
