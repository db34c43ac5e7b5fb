"""The /api/v1/projects/ router."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["projects"])

# P3/P5/P6 endpoints (delivery helper).
from minyi.projects.delivery.api import router as delivery_router  # noqa: E402

router.add_router("", delivery_router)
