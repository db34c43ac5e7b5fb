"""The voices API (/api/v1/voices): one router per area.

The intake router is the root: ninja gives an operation with an empty path on a router mounted with
an empty prefix a trailing slash ("voices/"), so the collection path `POST /api/v1/voices` must
live on the root router itself. Areas that need the bare collection path add it there.
"""

from __future__ import annotations

from minyi.voices.api import couriers, handling, insights, intake, reports, suggestions

router = intake.router
router.add_api_operation("", ["GET"], handling.list_voices, response=handling.LIST_RESPONSES, tags=["voices"])
# handling's `/{voice_id}` must come after every fixed path of the other areas.
for area in (reports, suggestions, couriers, insights, handling):
    router.add_router("", area.router)
