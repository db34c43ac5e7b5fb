"""Schedules for periodic Huey tasks."""

from __future__ import annotations

from huey import crontab


def every_minutes(minutes: int) -> crontab:
    """A crontab firing every `minutes` minutes (every N hours at minute 0 for multiples of 60)."""
    if minutes <= 0:
        raise ValueError("a periodic task's interval must be positive")
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")
