"""V7 — likely duplicates on intake: open items of the same place whose text is similar.

Candidates are the newest open items of the same place (MINYI_VOICE_SIMILAR_CANDIDATES); their jieba
tokens, stored in the search index table, are compared in Python with a weighted token-set cosine.
No model is downloaded and no text is segmented again except the new one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind, subtree_q
from minyi.voices.models import Voice
from minyi.voices.search.states import open_q, process_state
from minyi.voices.search.tokens import index_tokens
from minyi.voices.search.visibility import searchable_voices

# Units whose neighbours (the other communities of the same township) count as the same place.
NEIGHBOURHOOD_KINDS = frozenset({UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.STATION, UnitKind.SERVICE_POINT})


@dataclass(frozen=True)
class SimilarVoice:
    voice_id: int
    tracking_code: str
    # None when the caller may not see the item (it is unpublished and not theirs or in their scope):
    # they learn that a similar matter is being handled, in which unit and category, not what it says.
    title: str | None
    category: str
    unit_name: str
    state: str
    created_at: dt.datetime
    score: float


def token_weight(token: str) -> float:
    """Single characters and bare numbers say less about a matter than words."""
    return 0.5 if len(token) < 2 or token.isdigit() else 1.0


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Weighted cosine of two token sets, 0…1."""
    left, right = set(a), set(b)
    if not left or not right:
        return 0.0
    shared = sum(token_weight(t) for t in left & right)
    norm = math.sqrt(sum(token_weight(t) for t in left) * sum(token_weight(t) for t in right))
    return shared / norm


def township_of(unit: Unit) -> Unit | None:
    """The nearest township (subdistrict) at or above `unit`."""
    if unit.kind == UnitKind.TOWNSHIP:
        return unit
    step = Unit.steplen
    prefixes = [unit.path[:n] for n in range(step, len(unit.path), step)]
    return Unit.objects.filter(path__in=prefixes, kind=UnitKind.TOWNSHIP).order_by("-depth").first()


def area_q(unit: Unit) -> Q:
    """The same place: a community's (grid's, station's) whole township, else the unit's subtree."""
    area = township_of(unit) if unit.kind in NEIGHBOURHOOD_KINDS else None
    return subtree_q((area or unit).path, "unit__path")


def similar_open_voices(
    unit: Unit, text: str, limit: int = 5, *, person: Person | None = None, exclude: int | None = None
) -> list[SimilarVoice]:
    """Open items in `unit`'s area whose text is similar to `text`, most similar first."""
    wanted = set(index_tokens(text))
    if not wanted:
        return []
    # Candidates are the newest open items of the place, read from the index table with their tokens.
    # That set is small and bounded (open items of one township), whereas a full-text OR over common
    # words (社区, 小区) would touch a large share of the city before the place filter applies.
    candidates = Voice.objects.filter(area_q(unit), open_q(), search_index__isnull=False)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    rows = list(
        candidates.annotate(state=process_state())
        .select_related("category", "unit", "search_index")
        .only(
            "id",
            "tracking_code",
            "title",
            "created_at",
            "category__name",
            "unit__name",
            "search_index__tokens",
        )
        .order_by("-created_at")[: settings.MINYI_VOICE_SIMILAR_CANDIDATES]
    )
    threshold = settings.MINYI_VOICE_SIMILAR_MIN_PERCENT / 100
    scored = [(similarity(wanted, voice.search_index.tokens.split()), voice) for voice in rows]
    best = sorted(((s, v) for s, v in scored if s >= threshold), key=lambda sv: (-sv[0], -sv[1].pk))[:limit]
    if not best:
        return []
    visible = set(
        searchable_voices(person).filter(pk__in=[v.pk for _s, v in best]).values_list("pk", flat=True)
    )
    return [
        SimilarVoice(
            voice_id=voice.pk,
            tracking_code=voice.tracking_code,
            title=voice.title if voice.pk in visible else None,
            category=voice.category.name,
            unit_name=voice.unit.name,
            state=getattr(voice, "state", "") or "",
            created_at=voice.created_at,
            score=round(score, 3),
        )
        for score, voice in best
    ]
