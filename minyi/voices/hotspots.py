"""V7 — hot spots: similar open items grouped by place and period.

Open items in the filter (period, unit subtree, category; always within what the person may see) are
grouped by their township (or their own unit above that level); inside each place a greedy pass puts
every item in the most similar cluster when the similarity to the cluster's core words reaches
MINYI_VOICE_HOTSPOT_MIN_PERCENT, else starts a new cluster. Clusters with at least
MINYI_VOICE_HOTSPOT_MIN_ITEMS items are hot spots, biggest first, each with its keywords and units.
Tokens come from the search index, so nothing is segmented again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind, subtree_q
from minyi.voices.models import Category
from minyi.voices.search.states import open_q
from minyi.voices.search.tokens import index_tokens
from minyi.voices.search.visibility import searchable_voices
from minyi.voices.similarity import similarity, token_weight

KEYWORDS_SHOWN = 5


@dataclass(frozen=True)
class HotspotFilters:
    since: dt.datetime | None = None
    root: Unit | None = None
    category: Category | None = None


@dataclass
class Hotspot:
    place: str
    keywords: list[str]
    count: int
    units: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    voice_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime

    @property
    def label(self) -> str:
        return f"{self.place}·{'、'.join(self.keywords[:2])}"


@dataclass
class HotspotReport:
    hotspots: list[Hotspot]
    scanned: int
    truncated: bool  # more open items matched than MINYI_VOICE_HOTSPOT_MAX_ITEMS (the newest were used)


@dataclass
class _Item:
    pk: int
    unit: str
    category: str
    created_at: dt.datetime
    tokens: set[str]


@dataclass
class _Cluster:
    items: list[_Item] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def core(self) -> set[str]:
        """Words in at least half of the items (the seed's words while the cluster has one item)."""
        need = max(1, len(self.items) // 2)
        return {t for t, n in self.counts.items() if n >= need}

    def add(self, item: _Item) -> None:
        self.items.append(item)
        self.counts.update(item.tokens)


def _place_of(path: str, places: dict[str, str], own_name: str) -> str:
    step = Unit.steplen
    for end in range(len(path), 0, -step):
        if path[:end] in places:
            return places[path[:end]]
    return own_name


def cluster(items: list[_Item], threshold: float) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    for item in items:
        best, best_score = None, threshold
        for candidate in clusters:
            score = similarity(item.tokens, candidate.core())
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = _Cluster()
            clusters.append(best)
        best.add(item)
    return clusters


def find_hotspots(person: Person | None, filters: HotspotFilters) -> HotspotReport:
    voices = searchable_voices(person).filter(open_q(), search_index__isnull=False)
    if filters.since:
        voices = voices.filter(created_at__gte=filters.since)
    if filters.root:
        voices = voices.filter(subtree_q(filters.root.path, "unit__path"))
    if filters.category:
        voices = voices.filter(category=filters.category)
    limit = settings.MINYI_VOICE_HOTSPOT_MAX_ITEMS
    rows = list(
        voices.order_by("-created_at").values_list(
            "pk", "unit__path", "unit__name", "category__name", "created_at", "search_index__tokens"
        )[: limit + 1]
    )
    truncated = len(rows) > limit
    rows = rows[:limit]
    # Places are townships; an item above township level stands for its own unit.
    prefixes = {
        path[:n] for _pk, path, *_rest in rows for n in range(Unit.steplen, len(path) + 1, Unit.steplen)
    }
    places = dict(Unit.objects.filter(path__in=prefixes, kind=UnitKind.TOWNSHIP).values_list("path", "name"))
    by_place: dict[str, list[_Item]] = {}
    for pk, path, unit_name, category_name, created_at, tokens in reversed(rows):  # oldest first
        item = _Item(pk, unit_name, category_name, created_at, set(tokens.split()))
        by_place.setdefault(_place_of(path, places, unit_name), []).append(item)
    threshold = settings.MINYI_VOICE_HOTSPOT_MIN_PERCENT / 100
    found: list[Hotspot] = []
    for place, items in by_place.items():
        for group in cluster(items, threshold):
            if len(group.items) < settings.MINYI_VOICE_HOTSPOT_MIN_ITEMS:
                continue
            # Place names (金沙社区 → 金沙, 社区) say where, not what: the keywords leave them out.
            place_words = set(index_tokens(" ".join({place, *(i.unit for i in group.items)})))
            words = [
                t for t, _n in group.counts.most_common() if token_weight(t) >= 1 and t not in place_words
            ]
            words = words[:KEYWORDS_SHOWN]
            found.append(
                Hotspot(
                    place=place,
                    keywords=words,
                    count=len(group.items),
                    units=Counter(i.unit for i in group.items).most_common(),
                    categories=Counter(i.category for i in group.items).most_common(),
                    voice_ids=[i.pk for i in group.items],
                    first_at=min(i.created_at for i in group.items),
                    last_at=max(i.created_at for i in group.items),
                )
            )
    found.sort(key=lambda h: (-h.count, h.place, h.keywords))
    return HotspotReport(hotspots=found, scanned=len(rows), truncated=truncated)
