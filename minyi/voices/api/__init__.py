"""The voices API (/api/v1/voices): one router per area."""

from __future__ import annotations

from ninja import Router

from minyi.voices.api import couriers, handling, insights, intake, reports, suggestions

router = Router()
for area in (intake, handling, reports, suggestions, couriers, insights):
    router.add_router("", area.router)
