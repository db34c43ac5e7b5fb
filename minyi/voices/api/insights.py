"""API: search, likely duplicates, hot spots and showcase, mounted under /api/v1/voices."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotPermitted
from minyi.core.masking import mask_text
from minyi.core.models import Unit
from minyi.core.scope import scope_roots
from minyi.voices.hotspots import HotspotFilters, find_hotspots
from minyi.voices.insights_labels import state_title
from minyi.voices.models import Category
from minyi.voices.queries import AREA_ROLES
from minyi.voices.search import search_voices
from minyi.voices.similarity import similar_open_voices
from minyi.voices.views.insights import MAX_QUERY_CHARS, MAX_SIMILAR_TEXT_CHARS, PERIODS, showcase_voices

router = Router(tags=["voices"])


class SearchHitOut(Schema):
    id: int
    tracking_code: str
    title: str  # masked
    snippet: str  # masked, plain text
    category: str
    unit: str
    state: str
    state_title: str
    created_at: dt.datetime
    rank: float


class SearchOut(Schema):
    query: str
    tokens: list[str]
    page: int
    has_next: bool
    # Only the newest matches are ranked; pass this as `before` for the older ones (null: none left).
    older_before: int | None
    items: list[SearchHitOut]


@router.get("/search", response={200: SearchOut, **error_responses(401, 422)}, auth=None)
def search(
    request: HttpRequest,
    q: Annotated[Text, Field(min_length=1, max_length=MAX_QUERY_CHARS)],
    page: Annotated[int, Field(ge=1, le=9999)] = 1,
    before: Annotated[int | None, Field(ge=1)] = None,
) -> SearchOut:
    """Full-text search (jieba-segmented, every word must match) over the voices the caller may see;
    anonymous callers search published items only. Best match first among the newest
    `MINYI_VOICE_SEARCH_CANDIDATES` matches (older than item `before` when given); `older_before`
    continues with the older ones. Personal data masked."""
    results = search_voices(optional_person(request), q, page=page, before=before)
    return SearchOut(
        query=results.query,
        tokens=results.tokens,
        page=results.page,
        has_next=results.has_next,
        older_before=results.older_before,
        items=[
            SearchHitOut(
                id=hit.voice.pk,
                tracking_code=hit.voice.tracking_code,
                title=hit.title,
                snippet=hit.snippet,
                category=hit.voice.category.name,
                unit=hit.voice.unit.name,
                state=getattr(hit.voice, "state", "") or "",
                state_title=state_title(getattr(hit.voice, "state", "")),
                created_at=hit.voice.created_at,
                rank=float(getattr(hit.voice, "search_rank", 0.0)),
            )
            for hit in results.hits
        ],
    )


class SimilarOut(Schema):
    id: int
    tracking_code: str
    title: str | None  # null when the caller may not see the item
    category: str
    unit: str
    state: str
    state_title: str
    created_at: dt.datetime
    score: float


@router.get("/similar", response={200: list[SimilarOut], **error_responses(401, 404, 422)}, auth=None)
def similar(
    request: HttpRequest,
    unit: ObjectId,
    text: Annotated[Text, Field(min_length=1, max_length=MAX_SIMILAR_TEXT_CHARS)],
) -> list[SimilarOut]:
    """Likely duplicates of a new item: open items in the same place with similar text (V7)."""
    place = get_object_or_404(Unit, pk=unit)
    return [
        SimilarOut(
            id=item.voice_id,
            tracking_code=item.tracking_code,
            title=mask_text(item.title) if item.title else None,
            category=item.category,
            unit=item.unit_name,
            state=item.state,
            state_title=state_title(item.state),
            created_at=item.created_at,
            score=item.score,
        )
        for item in similar_open_voices(place, text, person=optional_person(request))
    ]


class HotspotOut(Schema):
    place: str
    keywords: list[str]
    count: int
    units: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    voice_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime


class HotspotsOut(Schema):
    scanned: int
    truncated: bool
    hotspots: list[HotspotOut]


class HotspotQuery(Schema):
    period: str = Field("90", pattern="^(30|90|365|all)$")
    unit: ObjectId | None = None
    category: ObjectId | None = None


@router.get("/hotspots", response={200: HotspotsOut, **error_responses(401, 403, 404, 422)})
def hotspots(request: HttpRequest, filters: Query[HotspotQuery]) -> HotspotsOut:
    """Hot spots among the open items in the caller's scope (office and supervisory roles only)."""
    person = current_person(request)
    if not scope_roots(person, AREA_ROLES):
        raise NotPermitted("not_permitted", _("您没有查看民情热点的权限"))
    days = PERIODS[filters.period]
    report = find_hotspots(
        person,
        HotspotFilters(
            since=timezone.now() - dt.timedelta(days=days) if days else None,
            root=get_object_or_404(Unit, pk=filters.unit) if filters.unit else None,
            category=get_object_or_404(Category, pk=filters.category) if filters.category else None,
        ),
    )
    return HotspotsOut(
        scanned=report.scanned,
        truncated=report.truncated,
        hotspots=[HotspotOut(**vars(h)) for h in report.hotspots],
    )


class ShowcaseOut(Schema):
    id: int
    tracking_code: str
    title: str
    content: str
    reply: str
    category: str
    unit: str
    closed_at: dt.datetime | None


@router.get("/showcase", response={200: list[ShowcaseOut], **error_responses(401, 422)}, auth=None)
def showcase(request: HttpRequest, page: Annotated[int, Field(ge=1, le=9999)] = 1) -> list[ShowcaseOut]:
    """Well-handled items (published, closed, resolved, satisfied), newest first, 20 per page, masked."""
    voices = showcase_voices().select_related("category", "unit").order_by("-closed_at", "-pk")
    return [
        ShowcaseOut(
            id=v.pk,
            tracking_code=v.tracking_code,
            title=mask_text(v.title),
            content=mask_text(v.content),
            reply=mask_text(v.reply),
            category=v.category.name,
            unit=v.unit.name,
            closed_at=v.closed_at,
        )
        for v in voices[(page - 1) * 20 : page * 20]
    ]
