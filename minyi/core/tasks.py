"""Huey discovers each app's `tasks` module; core's periodic tasks live beside the code they run."""

from minyi.core.notify import tasks as notify_tasks  # noqa: F401  (registers the notification tasks)
