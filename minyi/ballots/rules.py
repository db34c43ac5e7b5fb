"""Named ballots permissions: pages, API and tests all ask for these names."""

from __future__ import annotations

import rules

from minyi.ballots.predicates import is_elector, is_poll_official, is_published, shows_live_results
from minyi.core.predicates import is_supervisory_over

rules.add_perm("ballots.manage_poll", rules.is_authenticated & is_poll_official)
rules.add_perm(
    "ballots.view_poll",
    is_published | (rules.is_authenticated & (is_elector | is_poll_official | is_supervisory_over)),
)
rules.add_perm("ballots.cast_ballot", rules.is_authenticated & is_elector)
rules.add_perm(
    "ballots.view_results",
    is_published | (rules.is_authenticated & shows_live_results & (is_elector | is_poll_official)),
)
