"""Loads and validates every app's processes/*.yaml at start-up (implemented by the engine work)."""

from __future__ import annotations


def load_all_definitions() -> None:
    return None
