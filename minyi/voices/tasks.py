"""Huey discovers each app's `tasks` module: background work of the voices app."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from minyi.voices.actions.imports import run_import
from minyi.voices.search.tasks import reindex_voices


@db_task()
def run_voice_import(batch_id: int) -> None:
    run_import(batch_id)


__all__ = ["reindex_voices", "run_voice_import"]
