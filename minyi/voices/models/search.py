"""I3 — the full-text index of voices: one row of jieba tokens per voice.

The database's own full-text engine reads these rows: an FTS5 table kept in step by triggers on SQLite,
a generated tsvector column with a GIN index on PostgreSQL (see minyi/voices/search/schema.py).
Rows are written only by `minyi.voices.search.index_voice` / `index_voices` (the intake follow-up) /
`reindex_all`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoiceSearchIndex(models.Model):
    # The voice's id is the row's id, so the FTS5 rowid is the voice id.
    voice = models.OneToOneField(
        "voices.Voice", on_delete=models.CASCADE, primary_key=True, related_name="search_index"
    )
    # Space-separated lower-case jieba tokens (search mode) of title, content, place and category.
    tokens = models.TextField()
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")

    def __str__(self) -> str:
        return f"{self.voice_id}: {self.tokens[:40]}"
