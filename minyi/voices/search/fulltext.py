"""The one full-text interface over both databases: restrict and rank a voice queryset by tokens.

SQLite answers from the FTS5 table (`MATCH`, ranked by bm25, lower is better); PostgreSQL from the
GIN-indexed generated column `to_tsvector('simple', tokens)` (`@@`, ranked by ts_rank, higher is better). Callers get
a queryset annotated with `search_rank` and ordered best first, whatever the vendor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from django.conf import settings
from django.db import connection
from django.db.models import Max, QuerySet

from minyi.voices.models import Voice, VoiceSearchIndex
from minyi.voices.search.schema import FTS_TABLE, INDEX_TABLE, PG_VECTOR

_SAFE = re.compile(r"^\w+$")
# Windows of the newest item ids searched one by one before the rest in one query (newest_matches).
WINDOWS = 4
Mode = Literal["all", "any"]


def _checked(tokens: Sequence[str]) -> list[str]:
    # Tokens come from tokens.py and are word characters only; check anyway, they are spliced into a
    # full-text query string (never into SQL: that string is a bound parameter).
    return [t for t in tokens if _SAFE.match(t)]


def fts5_query(tokens: Sequence[str], mode: Mode) -> str:
    return (" AND " if mode == "all" else " OR ").join(f'"{t}"' for t in _checked(tokens))


def tsquery(tokens: Sequence[str], mode: Mode) -> str:
    return (" & " if mode == "all" else " | ").join(f"'{t}'" for t in _checked(tokens))


def _match(tokens: Sequence[str], mode: Mode) -> tuple[str, list[str], list[str]]:
    """The vendor's (table, where clauses, params) restricting voices to index matches."""
    voice_id = f"{Voice._meta.db_table}.id"
    if connection.vendor == "postgresql":
        return (
            INDEX_TABLE,
            [f"{INDEX_TABLE}.voice_id = {voice_id}", f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"],
            [tsquery(tokens, mode)],
        )
    if connection.vendor == "sqlite":
        return (
            FTS_TABLE,
            [f"{FTS_TABLE}.rowid = {voice_id}", f"{FTS_TABLE} MATCH %s"],
            [fts5_query(tokens, mode)],
        )
    raise NotImplementedError(f"voice search has no backend for {connection.vendor}")


def matching(queryset: QuerySet[Voice], tokens: Sequence[str], mode: Mode = "all") -> QuerySet[Voice]:
    """`queryset` restricted to voices whose index has all (or any) of `tokens`, best match first."""
    tokens = _checked(tokens)
    if not tokens:
        return queryset.none()
    table, where, params = _match(tokens, mode)
    if connection.vendor == "postgresql":
        rank = f"ts_rank({PG_VECTOR}, to_tsquery('simple'::regconfig, %s))"
    else:
        rank = f"-bm25({FTS_TABLE})"  # bm25 is lower for better matches; negated: higher is better
    return queryset.extra(
        tables=[table],
        where=where,
        params=params,
        select={"search_rank": rank},
        select_params=params if connection.vendor == "postgresql" else [],
        order_by=["-search_rank", "-created_at"],
    )


def newest_matches(
    queryset: QuerySet[Voice],
    tokens: Sequence[str],
    limit: int,
    mode: Mode = "all",
    *,
    before: int | None = None,
) -> list[int]:
    """Ids of the `limit` newest voices of `queryset` (older than `before`) that match, newest first,
    unranked: the candidates to rank.

    A common word matches a large share of a city's items (路灯: 8 %); ranking every match before the
    first page costs a rank computation per match. The newest matches are read instead, in windows of
    `MINYI_VOICE_SEARCH_WINDOW` voice ids from the newest back (at most `WINDOWS` of them, then all
    that is older in one query, so a rare word costs a few cheap queries): within a window the
    database walks the index's key order or intersects the full-text index with the key range, and
    whichever it picks, the work is bounded by the window. One unbounded query lets a misestimate —
    two words that nearly always occur together, such as 垃圾 and 清运, are estimated as if
    independent — fetch and join every match before sorting.
    """
    tokens = _checked(tokens)
    if not tokens:
        return []
    table, where, params = _match(tokens, mode)
    # The index's own key (FTS5 rowid, the index table's voice id), so the full-text side is read in
    # key order and the range applies to it directly.
    key = f"{table}.rowid" if connection.vendor == "sqlite" else f"{table}.voice_id"
    top = VoiceSearchIndex.objects.aggregate(top=Max("voice_id"))["top"]
    if top is None:
        return []
    high = min(top + 1, before) if before is not None else top + 1
    span = settings.MINYI_VOICE_SEARCH_WINDOW
    found: list[int] = []
    for round_ in range(WINDOWS + 1):
        if high <= 0 or len(found) >= limit:
            break
        low = max(0, high - span) if round_ < WINDOWS else 0
        rows = queryset.extra(
            tables=[table],
            where=[*where, f"{key} >= %s", f"{key} < %s"],
            params=[*params, low, high],
            order_by=[f"-{key}"],
        ).values_list("pk", flat=True)[: limit - len(found)]
        found.extend(rows)
        high = low
    return found
