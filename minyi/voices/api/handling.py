"""API: handling, mounted under /api/v1/voices by minyi/voices/api/__init__.py."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["voices"])
