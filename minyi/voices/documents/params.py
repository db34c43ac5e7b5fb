"""Report parameters read from a query string, shared by the pages and the API (same errors for both)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minyi.core.errors import ActionError, NotFound
from minyi.core.models import Channel, Person, Unit
from minyi.core.scope import scope_roots
from minyi.voices.documents.access import REPORT_ROLES
from minyi.voices.documents.ledger import LedgerFilters
from minyi.voices.models import Category
from minyi.voices.rates import Period, PeriodError, RateFilters, parse_period

GROUPINGS = ("unit", "department", "month")


def _id(params: Mapping[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise ActionError("bad_parameter", _("参数“%(name)s”应为编号") % {"name": name}, {"field": name})
    return int(raw)


def _unit(params: Mapping[str, str], name: str) -> Unit | None:
    pk = _id(params, name)
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise NotFound("unit_not_found", _("单位不存在"), {"field": name})
    return unit


def period_from(params: Mapping[str, str]) -> Period:
    try:
        return parse_period(params.get("period", ""), params.get("start", ""), params.get("end", ""))
    except PeriodError as error:
        raise ActionError("bad_period", str(error.args[0]), {"field": "period"}) from None


def home_unit_for_reports(person: Person) -> Unit | None:
    """The top of the person's report scope (first disjoint root), the default unit of the rates page."""
    roots = scope_roots(person, REPORT_ROLES)
    return Unit.objects.filter(path=roots[0]).first() if roots else None


@dataclass(frozen=True)
class RateRequest:
    filters: RateFilters
    group: str


def rate_request(params: Mapping[str, str]) -> RateRequest:
    group = params.get("group", "unit") or "unit"
    if group not in GROUPINGS:
        raise ActionError("bad_parameter", _("分组方式应为 unit、department 或 month"), {"field": "group"})
    kind = (params.get("kind") or "").strip()
    return RateRequest(
        RateFilters(
            period=period_from(params),
            unit=_unit(params, "unit"),
            department=_unit(params, "department"),
            kinds=(kind,) if kind else (),
        ),
        group,
    )


def ledger_filters(params: Mapping[str, str]) -> LedgerFilters:
    has_period = any(params.get(k) for k in ("period", "start", "end"))
    category_id, channel_id = _id(params, "category"), _id(params, "channel")
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        raise NotFound("category_not_found", _("类别不存在"), {"field": "category"})
    if channel_id is not None and not Channel.objects.filter(pk=channel_id).exists():
        raise NotFound("channel_not_found", _("渠道不存在"), {"field": "channel"})
    supervised = params.get("supervised", "")
    return LedgerFilters(
        period=period_from(params) if has_period else None,
        unit=_unit(params, "unit"),
        department=_unit(params, "department"),
        category_id=category_id,
        channel_id=channel_id,
        state=(params.get("state") or "").strip()[:60],
        supervised=True if supervised == "1" else False if supervised == "0" else None,
        overdue=params.get("overdue") == "1",
    )
