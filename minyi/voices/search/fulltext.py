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


def matching(queryset: QuerySet[Voice], tokens: Sequence[str], mode: Mode = "all") -> QuerySet[Voice]:
    """`queryset` restricted to voices whose index has all (or any) of `tokens`, best match first."""
    tokens = _checked(tokens)
    if not tokens:
        return queryset.none()
    voice_id = f"{Voice._meta.db_table}.id"
    if connection.vendor == "postgresql":
        query = tsquery(tokens, mode)
        return queryset.extra(
            tables=[INDEX_TABLE],
            where=[
                f"{INDEX_TABLE}.voice_id = {voice_id}",
                f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)",
            ],
            params=[query],
            select={"search_rank": f"ts_rank({PG_VECTOR}, to_tsquery('simple'::regconfig, %s))"},
            select_params=[query],
            order_by=["-search_rank", "-created_at"],
        )
    if connection.vendor == "sqlite":
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {voice_id}", f"{FTS_TABLE} MATCH %s"],
            params=[fts5_query(tokens, mode)],
            # bm25 is lower for better matches; negated so "higher is better" on both databases.
            select={"search_rank": f"-bm25({FTS_TABLE})"},
            order_by=["-search_rank", "-created_at"],
        )
    raise NotImplementedError(f"voice search has no backend for {connection.vendor}")
