"""Huey discovers each app's `tasks` module; core's periodic tasks live beside the code they run."""

from minyi.core.engine.tasks import sweep_overdue_processes

__all__ = ["sweep_overdue_processes"]
