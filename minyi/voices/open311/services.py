"""Categories as Open311 services, and the attributes every service definition declares.

The attributes are the same for every category: where the matter is (`unit_code`, the code of a
community or township — how a client that sends only coordinates tells us the unit) and how serious
it is (`severity`). Both are optional, so a plain client needs none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minyi.voices.models import Category


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool
    description: Any
    datatype_description: Any
    order: int
    values: tuple[tuple[str, Any], ...] = ()

    def as_open311(self) -> dict[str, Any]:
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": str(self.datatype_description),
            "order": self.order,
            "description": str(self.description),
            "values": [{"key": key, "name": str(name)} for key, name in self.values],
        }


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        code="unit_code",
        datatype="string",
        required=False,
        description=_("所属社区或街道的区划代码"),
        datatype_description=_("行政区划代码，例如 990101001001；只提供经纬度时用它确定所属社区"),
        order=1,
    ),
    Attribute(
        code="severity",
        datatype="singlevaluelist",
        required=False,
        description=_("紧急程度"),
        datatype_description=_("从列表中选择一项"),
        order=2,
        values=(("low", _("一般")), ("medium", _("较急")), ("high", _("紧急"))),
    ),
)
ATTRIBUTE_BY_CODE = {attribute.code: attribute for attribute in ATTRIBUTES}


def service_of(category: Category) -> dict[str, Any]:
    keywords = ",".join(
        word.strip() for word in category.keywords.replace("，", ",").split(",") if word.strip()
    )
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": keywords,
        "group": category.group,
    }


def definition_of(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [a.as_open311() for a in ATTRIBUTES]}


def clean_attributes(raw: dict[str, str]) -> dict[str, str]:
    """Validate `attribute[code]` values; raises ValueError with a client-facing description."""
    for code in raw:
        if code not in ATTRIBUTE_BY_CODE:
            raise ValueError(gettext("未知的属性：%(code)s") % {"code": code})
    cleaned: dict[str, str] = {}
    for attribute in ATTRIBUTES:
        value = raw.get(attribute.code, "").strip()
        if not value:
            if attribute.required:
                raise ValueError(gettext("缺少必填属性：%(code)s") % {"code": attribute.code})
            continue
        if attribute.values and value not in {key for key, _name in attribute.values}:
            raise ValueError(
                gettext("属性 %(code)s 的取值无效：%(value)s") % {"code": attribute.code, "value": value[:40]}
            )
        if len(value) > 100:
            raise ValueError(gettext("属性 %(code)s 过长") % {"code": attribute.code})
        cleaned[attribute.code] = value
    return cleaned
