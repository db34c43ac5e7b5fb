"""I3 — Chinese full-text search over voices, one interface on SQLite (FTS5) and PostgreSQL (tsvector).

index_voice(voice)               call after changing an item's text (reply, merge); new items: intake follow-up
reindex_all()                    rebuild everything (also the Huey task `reindex_voices`)
search_voices(person, text)      scoped, ranked, highlighted, masked results
matching(queryset, tokens, mode) the vendor-neutral full-text filter other features build on
"""

from minyi.voices.search.fulltext import matching
from minyi.voices.search.index import index_voice, index_voices, reindex_all
from minyi.voices.search.query import SearchHit, SearchPage, search_voices
from minyi.voices.search.tokens import index_tokens, query_tokens

__all__ = [
    "SearchHit",
    "SearchPage",
    "index_tokens",
    "index_voice",
    "index_voices",
    "matching",
    "query_tokens",
    "reindex_all",
    "search_voices",
]
