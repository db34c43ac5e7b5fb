"""The voices API (/api/v1/voices): one router per area.

The intake router is the root: ninja gives an operation with an empty path on a router mounted with
an empty prefix a trailing slash ("voices/"), so the collection path `POST /api/v1/voices` must
live on the root router itself. Areas that need the bare collection path add it there.
"""

from __future__ import annotations

from minyi.voices.api import couriers, handling, insights, intake, reports, suggestions

router = intake.router
for area in (handling, reports, suggestions, couriers, insights):
    router.add_router("", area.router)
