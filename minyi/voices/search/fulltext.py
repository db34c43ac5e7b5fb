"""The one full-text interface over both databases: restrict and rank a voice queryset by tokens.

SQLite answers from the FTS5 table (`MATCH`, ranked by bm25, lower is better); PostgreSQL from the
GIN-indexed generated column `to_tsvector('simple', tokens)` (`@@`, ranked by ts_rank, higher is better). Callers get
a queryset annotated with `search_rank` and ordered best first, whatever the vendor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from django.db import connection
from django.db.models import QuerySet

from minyi.voices.models import Voice
from minyi.voices.search.schema import FTS_TABLE, INDEX_TABLE, PG_VECTOR

_SAFE = re.compile(r"^\w+$")
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
        return FTS_TABLE, [f"{FTS_TABLE}.rowid = {voice_id}", f"{FTS_TABLE} MATCH %s"], [fts5_query(tokens, mode)]
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
    queryset: QuerySet[Voice], tokens: Sequence[str], limit: int, mode: Mode = "all"
) -> QuerySet[Voice]:
    """The `limit` newest voices of `queryset` that match, unranked: the candidates to rank.

    A common word matches a large share of a city's items (路灯: 8 %); ranking every match before the
    first page costs a rank computation per match. The newest matches are found by key order instead,
    and only they are ranked, so a search costs about the same at a million items as at a thousand.
    """
    tokens = _checked(tokens)
    if not tokens:
        return queryset.none()
    table, where, params = _match(tokens, mode)
    # Newest first by the index's own key (FTS5 rowid, the index table's voice id): the full-text
    # side can then be read in that order and stop at `limit`, instead of sorting every match.
    key = f"{table}.rowid" if connection.vendor == "sqlite" else f"{table}.voice_id"
    return queryset.extra(tables=[table], where=where, params=params, order_by=[f"-{key}"])[:limit]
