"""Shared plumbing for the D1 management and D5/D6 pages: POST operations, form values, people and units."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from minyi.core.calendar import local_tz
from minyi.core.errors import ActionError
from minyi.core.models import Person, Unit
from minyi.core.models.units import subtree_q
from minyi.core.scope import scope_q
from minyi.deliberation.organisers import ORGANISER_ROLES

Operation = Callable[[HttpRequest], object]
UNIT_CHOICES_MAX = 300


def run_operation(
    request: HttpRequest, operations: Mapping[str, Operation], *args: Any, to: str
) -> HttpResponse:
    """Run the POSTed `op`, show its error or "已保存", and redirect back (post/redirect/get)."""
    operation = operations.get(request.POST.get("op", ""))
    if operation is None:
        messages.error(request, _("未知的操作"))
    else:
        try:
            operation(request)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存"))
    return redirect(to, *args)


def text(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")


def number(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "").strip()
    if not value.isdigit():
        raise ActionError("input_invalid", _("请填写数字"), {"field": name})
    return int(value)


def day(request: HttpRequest, name: str, *, required: bool = True) -> dt.date | None:
    value = request.POST.get(name, "").strip()
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionError("input_invalid", _("日期格式应为 YYYY-MM-DD"), {"field": name}) from None


def required_day(request: HttpRequest, name: str) -> dt.date:
    value = day(request, name)
    assert value is not None
    return value


def moment(request: HttpRequest, name: str) -> dt.datetime:
    parsed = parse_datetime(request.POST.get(name, "").strip())
    if parsed is None:
        raise ActionError("input_invalid", _("时间格式应为 YYYY-MM-DD HH:MM"), {"field": name})
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=local_tz())


def person_by_username(value: str, field: str = "person") -> Person:
    person = Person.objects.filter(username=value.strip(), is_active=True).first() if value.strip() else None
    if person is None:
        raise ActionError(
            "person_unknown", _("未找到账号：%(name)s") % {"name": value.strip()}, {"field": field}
        )
    return person


def people_by_usernames(value: str, field: str = "people") -> list[Person]:
    names = [n for n in re.split(r"[\s,，;；]+", value) if n]
    if not names:
        raise ActionError("people_required", _("请填写账号"), {"field": field})
    found = {p.username: p for p in Person.objects.filter(username__in=names, is_active=True)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ActionError(
            "person_unknown", _("未找到账号：%(name)s") % {"name": missing[0]}, {"field": field}
        )
    return [found[n] for n in dict.fromkeys(names)]


def scope_units(person: Person, kinds: tuple[str, ...] = ()) -> list[Unit]:
    """Units the person organises in (their grants' units and below), capped for a select box."""
    units = Unit.objects.filter(scope_q(person, ORGANISER_ROLES, field="path"))
    if kinds:
        units = units.filter(kind__in=kinds)
    return list(units.order_by("path")[:UNIT_CHOICES_MAX])


def unit_in(request: HttpRequest, name: str, within: Unit | None = None) -> Unit:
    value = request.POST.get(name, "")
    units = Unit.objects.all()
    if within is not None:
        units = units.filter(subtree_q(within.path, "path"))
    unit = units.filter(pk=int(value)).first() if value.isdigit() else None
    if unit is None:
        raise ActionError("unit_unknown", _("请选择单位"), {"field": name})
    return unit
