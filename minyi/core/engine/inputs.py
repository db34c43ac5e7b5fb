"""Checking the inputs of a transition (or of a start) against their declared types.

Cleaned values are JSON-ready (units and people as primary keys, dates as ISO text, decimals as
text) because they go straight into the public-record event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from minyi.core.engine.definitions import InputDef
from minyi.core.errors import ActionError

TRUE_TEXT = {"true", "1", "yes", "on"}
FALSE_TEXT = {"false", "0", "no", "off"}


def _invalid(name: str, message: str) -> ActionError:
    return ActionError(
        "input_invalid", _("“%(name)s”：%(problem)s") % {"name": name, "problem": message}, {"field": name}
    )


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_one(spec: InputDef, value: Any) -> Any:
    from minyi.core.models import Person, Unit

    if spec.type == "text":
        if not isinstance(value, str):
            raise _invalid(spec.name, _("应为文本"))
        value = value.strip()
        if spec.max_length is not None and len(value) > spec.max_length:
            raise _invalid(spec.name, _("不能超过 %(n)d 个字") % {"n": spec.max_length})
        return value
    if spec.type == "integer":
        if isinstance(value, bool):
            raise _invalid(spec.name, _("应为整数"))
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise _invalid(spec.name, _("应为整数")) from None
    if spec.type == "decimal":
        if isinstance(value, bool | float):
            raise _invalid(spec.name, _("应为数字（以文本或 Decimal 给出）"))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise _invalid(spec.name, _("应为数字")) from None
        if not number.is_finite():
            raise _invalid(spec.name, _("应为数字"))
        return str(number)
    if spec.type == "date":
        if isinstance(value, dt.datetime):
            raise _invalid(spec.name, _("应为日期"))
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise _invalid(spec.name, _("应为日期（YYYY-MM-DD）")) from None
    if spec.type == "choice":
        if value not in spec.choices:
            raise _invalid(spec.name, _("不在可选范围内"))
        return value
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_TEXT:
            return True
        if text in FALSE_TEXT:
            return False
        raise _invalid(spec.name, _("应为是或否"))
    model = Unit if spec.type == "unit" else Person
    if isinstance(value, model):
        return value.pk
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise _invalid(spec.name, _("应为编号"))
    pk = int(str(value).strip())
    if not model.objects.filter(pk=pk).exists():
        raise _invalid(spec.name, _("不存在"))
    return pk


def clean_inputs(specs: Sequence[InputDef], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared input present and well typed, nothing undeclared. Raises ActionError."""
    declared = {spec.name: spec for spec in specs}
    for name in given:
        if name not in declared:
            raise ActionError("input_unknown", _("未知的输入项：%(name)s") % {"name": name}, {"field": name})
    cleaned: dict[str, Any] = {}
    for spec in specs:
        value = given.get(spec.name)
        if _is_blank(value):
            if spec.required:
                raise ActionError(
                    "input_required", _("请填写“%(name)s”") % {"name": spec.name}, {"field": spec.name}
                )
            continue
        cleaned[spec.name] = _clean_one(spec, value)
    return cleaned
