"""Background rebuild of the voice search index (imported by minyi/voices/tasks.py for Huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from minyi.voices.search.index import reindex_all


@db_task()
def reindex_voices() -> int:
    return reindex_all()
