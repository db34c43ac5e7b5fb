"""Keeping the search index in step with voices.

Whoever changes an item's text calls `index_voice(voice)` inside the same transaction (the handling
actions after a reply or a merge); a new item is indexed right after its intake commits, by the
follow-up task (`minyi/voices/actions/intake_followup.py`, `index_voices`). `reindex_all()` (and the
Huey task `reindex_voices`) rebuilds everything, e.g. after a dictionary change, and is the safety net
for rows that are missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from minyi.voices.models import Voice, VoiceSearchIndex
from minyi.voices.search.schema import rebuild_fts
from minyi.voices.search.tokens import index_tokens

BATCH_SIZE = 1000


def voice_text(voice: Voice) -> str:
    """The text an item is found by: title, content, place, category name and the reply."""
    parts = [
        voice.title,
        voice.content,
        voice.place,
        voice.category.name if voice.category_id else "",
        voice.reply,
    ]
    return "\n".join(part for part in parts if part)


def tokens_of(voice: Voice) -> str:
    return " ".join(index_tokens(voice_text(voice)))


def index_voice(voice: Voice) -> VoiceSearchIndex:
    """Write (or rewrite) the voice's index row; the database's full-text index follows."""
    row, _created = VoiceSearchIndex.objects.update_or_create(
        voice=voice, defaults={"tokens": tokens_of(voice), "indexed_at": timezone.now()}
    )
    return row


def index_voices(voices: Iterable[Voice]) -> int:
    """Index many voices with one upsert per batch (category should be select_related)."""
    now = timezone.now()
    rows = [VoiceSearchIndex(voice=v, tokens=tokens_of(v), indexed_at=now) for v in voices]
    for start in range(0, len(rows), BATCH_SIZE):
        VoiceSearchIndex.objects.bulk_create(
            rows[start : start + BATCH_SIZE],
            update_conflicts=True,
            unique_fields=["voice"],
            update_fields=["tokens", "indexed_at"],
        )
    return len(rows)


def reindex_all(batch_size: int = BATCH_SIZE) -> int:
    """Rebuild the index of every voice (missing rows created, stale ones rewritten); returns the count."""
    done = 0
    last_pk = 0
    while True:
        batch = list(
            Voice.objects.filter(pk__gt=last_pk).select_related("category").order_by("pk")[:batch_size]
        )
        if not batch:
            break
        with transaction.atomic():
            done += index_voices(batch)
        last_pk = batch[-1].pk
    with transaction.atomic():
        VoiceSearchIndex.objects.exclude(voice__in=Voice.objects.values("pk")).delete()
        rebuild_fts(connection)  # also drops FTS entries of rows deleted outside the triggers
    return done
