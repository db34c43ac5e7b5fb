"""The /api/v1/projects/ router."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["projects"])
