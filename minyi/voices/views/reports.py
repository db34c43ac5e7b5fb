"""Pages: the three forms (.docx), the ledger (.xlsx) and the rates page (see minyi/voices/urls.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from minyi.core.engine.registry import current_definition
from minyi.core.errors import ActionError, NotFound
from minyi.core.http import current_person
from minyi.core.models import Channel, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import units_in_scope
from minyi.voices.documents.access import REPORT_ROLES, may_run_reports, may_view_voice, report_voices
from minyi.voices.documents.forms import FormKind, form_filename, load_voice, render_form
from minyi.voices.documents.ledger import ledger_file, ledger_queryset
from minyi.voices.documents.params import home_unit_for_reports, ledger_filters, rate_request
from minyi.voices.milestones import PROCESS
from minyi.voices.models import Category, VoiceKind
from minyi.voices.rates import (
    RATE_DEFS,
    compute_rates,
    rates_by_child_unit,
    rates_by_department,
    rates_by_month,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Units offered in the rates page's unit picker: the administrative levels where offices report.
PICKER_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.TOWNSHIP)
# Rates drawn in the chart (the others are in the tables).
CHART_RATES = ("reply", "on_time", "satisfaction", "resolution")


@login_required
@require_GET
def form_docx(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    person = current_person(request)
    try:
        kind = FormKind(form)
    except ValueError:
        raise Http404 from None
    voice = load_voice(pk)
    if voice is None:
        raise Http404
    if not may_view_voice(person, voice):
        raise PermissionDenied
    with translation.override("zh-hans"):  # official forms are printed in Chinese
        content = render_form(kind, person, voice)
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = _attachment(form_filename(kind, voice))
    response["Cache-Control"] = "no-store"
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{quote(filename.encode('ascii', 'ignore').decode() or 'file')}\"; filename*=UTF-8''{quote(filename)}"


@login_required
@require_GET
def ledger_xlsx(request: HttpRequest) -> HttpResponseBase:
    person = current_person(request)
    if not may_run_reports(person):
        raise PermissionDenied
    try:
        filters = ledger_filters(request.GET)
    except NotFound as error:
        return HttpResponseBadRequest(error.message)
    except ActionError as error:
        return HttpResponseBadRequest(error.message)
    now = timezone.now()
    with translation.override("zh-hans"):
        out, _count = ledger_file(ledger_queryset(report_voices(person), filters, now), now)
    stamp = timezone.localtime(now).strftime("%Y%m%d")
    response = FileResponse(out, content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment(f"民情台账-{stamp}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


def _chart_data(rows: list[Any]) -> dict[str, Any]:
    labels = {d.code: str(d.label) for d in RATE_DEFS}
    return {
        "categories": [r.label for r in rows],
        "series": [
            {"name": labels[code], "data": [r.rates[code].percent for r in rows]} for code in CHART_RATES
        ],
    }


@login_required
@require_GET
def rates_page(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not may_run_reports(person):
        raise PermissionDenied
    error = ""
    try:
        asked = rate_request(request.GET)
    except ActionError as problem:
        error = problem.message
        asked = rate_request({})
    filters = asked.filters
    root = filters.unit or home_unit_for_reports(person)
    if filters.unit is None and root is not None:
        filters = type(filters)(
            period=filters.period, unit=root, department=filters.department, kinds=filters.kinds
        )
    voices = report_voices(person)
    now = timezone.now()
    total = compute_rates(voices, filters, now)
    by_unit = rates_by_child_unit(voices, filters, root, now) if root is not None else []
    by_department = rates_by_department(voices, filters, now)
    by_month = rates_by_month(voices, filters, now)
    scope = units_in_scope(person, REPORT_ROLES)
    picker_units = list(
        Unit.objects.filter(scope, kind__in=PICKER_KINDS).order_by("path").only("pk", "name", "depth")
    )
    departments = list(
        Unit.objects.filter(scope, kind=UnitKind.DEPARTMENT).order_by("path").only("pk", "name")
    )
    states = [(name, state.title.zh) for name, state in current_definition(PROCESS).states.items()]
    context = {
        "error": error,
        "filters": filters,
        "period_text": request.GET.get("period", ""),
        "rate_defs": RATE_DEFS,
        "total": total,
        "total_pairs": list(zip(RATE_DEFS, total.cells(), strict=True)),
        "by_unit": by_unit,
        "by_department": by_department,
        "by_month": by_month,
        "unit_chart": _chart_data(by_unit),
        "month_chart": _chart_data(by_month),
        "picker_units": picker_units,
        "departments": departments,
        "kinds": VoiceKind.choices,
        "categories": Category.objects.filter(is_active=True).only("pk", "name"),
        "channels": Channel.objects.filter(is_active=True).only("pk", "name"),
        "states": states,
    }
    return render(request, "voices/reports/rates.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/forms/<str:form>.docx", form_docx, name="form_docx"),
    path("ledger.xlsx", ledger_xlsx, name="ledger_xlsx"),
    path("rates/", rates_page, name="rates"),
]
