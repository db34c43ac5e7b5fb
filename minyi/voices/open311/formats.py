"""Open311 answers in JSON or XML, and its errors as `[{code, description}]` in the same format."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, tag: str, value: Any, item_tags: Mapping[str, str]) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(node, key, inner, item_tags)
    elif isinstance(value, list | tuple):
        child_tag = item_tags.get(tag, "item")
        for inner in value:
            _append(node, child_tag, inner, item_tags)
    else:
        node.text = _xml_text(value)


def to_xml(
    root: str, item: str, items: Sequence[Mapping[str, Any]], nested: Mapping[str, str] | None = None
) -> bytes:
    """`<root><item>…</item>…</root>`; lists inside an item use `nested` ({"attributes": "attribute"})."""
    element = ET.Element(root)
    for entry in items:
        _append(element, item, entry, nested or {})
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def respond(
    fmt: str,
    payload: Any,
    *,
    root: str,
    item: str,
    nested: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`payload` is a list of objects (the usual Open311 shape) or one object (service definition)."""
    if fmt == "xml":
        if isinstance(payload, Mapping):
            element = ET.Element(root)
            for key, value in payload.items():
                _append(element, key, value, nested or {})
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
                element, encoding="utf-8", xml_declaration=False
            )
        else:
            body = to_xml(root, item, payload, nested)
    else:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error list; `code` repeats the HTTP status, as GeoReport v2 servers do."""
    return respond(
        fmt, [{"code": status, "description": str(description)}], root="errors", item="error", status=status
    )
