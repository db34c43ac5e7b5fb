"""Huey discovers each app's `tasks` module: background work of the voices app."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from minyi.voices.actions.imports import run_import


@db_task()
def run_voice_import(batch_id: int) -> None:
    run_import(batch_id)
