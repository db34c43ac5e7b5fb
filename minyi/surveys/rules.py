"""Named surveys permissions: pages, API and tests all ask for these names."""

from __future__ import annotations

import rules

from minyi.core.predicates import is_supervisory_over
from minyi.surveys.predicates import is_published, is_survey_staff

# On a Unit (create there) or a Survey (build, open, close, publish, see links and QR codes).
rules.add_perm("surveys.manage_survey", rules.is_authenticated & is_survey_staff)
rules.add_perm(
    "surveys.view_results", is_published | (rules.is_authenticated & (is_survey_staff | is_supervisory_over))
)
# Raw answers (anonymised) and open-text comments: the staff who ran the survey only.
rules.add_perm("surveys.export_raw", rules.is_authenticated & is_survey_staff)
