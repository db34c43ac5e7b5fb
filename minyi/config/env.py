"""Typed reading of MINYI_* environment variables; settings.py declares every setting once from these."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def text(name: str, default: str) -> str:
    return os.environ.get(name, default)


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else int(raw)


def items(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def directory(name: str, default: Path) -> Path:
    """A writable directory (the embedded database and queue live there); created if missing."""
    path = Path(os.environ.get(name) or default)
    path.mkdir(parents=True, exist_ok=True)
    return path
