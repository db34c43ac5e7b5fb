"""Huey discovers each app's `tasks` module; the voices app's tasks live beside the code they run."""

from minyi.voices.search.tasks import reindex_voices

__all__ = ["reindex_voices"]
