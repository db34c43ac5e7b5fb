"""Units (O1): public, read-only."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router

from minyi.core.api.schemas import UnitOut, units_out
from minyi.core.apiutil.auth import optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.models import Unit
from minyi.core.models.units import UnitKind

router = Router(tags=["units"])


class UnitFilters(PageQuery):
    kind: UnitKind | None = Field(None, description="unit kind")
    parent: ObjectId | None = Field(None, description="only the direct children of this unit")
    within: ObjectId | None = Field(None, description="only this unit and its whole subtree")
    q: Annotated[Text, Field(max_length=60)] | None = Field(
        None, description="name contains, or code starts with"
    )
    active: bool | None = Field(None, description="only active (true) or inactive (false) units")


def _filtered(filters: UnitFilters) -> QuerySet[Unit]:
    units = Unit.objects.order_by("path")
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent is not None:
        parent = get_object_or_404(Unit, pk=filters.parent)
        units = units.filter(parent.subtree_q(), depth=parent.depth + 1)
    if filters.within is not None:
        root = get_object_or_404(Unit, pk=filters.within)
        units = units.filter(root.subtree_q())
    if filters.q and filters.q.strip():
        term = filters.q.strip()
        units = units.filter(Q(name__icontains=term) | Q(code__istartswith=term))
    if filters.active is not None:
        units = units.filter(is_active=filters.active)
    return units


@router.get("/units", response={200: Page[UnitOut], **error_responses(401, 404, 422)}, auth=None)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    """Units, in tree order. `parent` and `within` name a unit by id (404 if it does not exist)."""
    optional_person(request)
    return paginate(request, _filtered(filters), filters, units_out)


@router.get("/units/{unit_id}", response={200: UnitOut, **error_responses(401, 404, 422)}, auth=None)
def get_unit(request: HttpRequest, unit_id: ObjectId) -> UnitOut:
    optional_person(request)
    return units_out([get_object_or_404(Unit, pk=unit_id)])[0]


class ChildrenQuery(PageQuery):
    pass


@router.get(
    "/units/{unit_id}/children", response={200: Page[UnitOut], **error_responses(401, 404, 422)}, auth=None
)
def list_unit_children(
    request: HttpRequest, unit_id: ObjectId, query: Query[ChildrenQuery]
) -> dict[str, Any]:
    optional_person(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    children = Unit.objects.filter(unit.subtree_q(), depth=unit.depth + 1).order_by("path")
    return paginate(request, children, query, units_out)
