"""Page-number pagination with a typed page: {items, count, page, page_size, next, previous}.

`page_size` defaults to and is capped at settings.MINYI_API_PAGE_SIZE (a larger request is cut down,
not refused). A page past the end is empty. Each list costs two queries (count, slice) plus whatever
the caller's `to_items` does once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from minyi.core.apiutil.types import MAX_ID

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int
    next: str | None = Field(None, description="URL of the next page, or null")
    previous: str | None = Field(None, description="URL of the previous page, or null")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_ID // 1000, description="1-based page number")
    page_size: int | None = Field(
        None, ge=1, description="rows per page; defaults to and is capped at MINYI_API_PAGE_SIZE"
    )


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[M],
    query: PageQuery,
    to_items: Callable[[list[M]], Sequence[Any]] = list,
) -> dict[str, Any]:
    cap = settings.MINYI_API_PAGE_SIZE
    size = min(query.page_size or cap, cap)
    count = queryset.count()
    start = (query.page - 1) * size
    rows = list(queryset[start : start + size]) if start < count else []
    return {
        "items": to_items(rows),
        "count": count,
        "page": query.page,
        "page_size": size,
        "next": _page_url(request, query.page + 1) if start + size < count else None,
        "previous": _page_url(request, query.page - 1) if query.page > 1 else None,
    }
