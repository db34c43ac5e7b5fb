"""Named rules of the voices app (docs/permissions.md). Pages, the API and tests ask these names."""

from __future__ import annotations

import rules

from minyi.voices.predicates import (
    is_department_handler,
    is_official,
    is_read_only_over,
    is_submitter,
    is_territorial_handler,
)

is_handler = is_territorial_handler | is_department_handler

# See an item and its whole trail (submitters their own; supervisory bodies read-only).
rules.add_perm("voices.view_voice", rules.is_authenticated & (is_submitter | is_handler | is_read_only_over))
# The original contact (name, phone, e-mail): the submitter and the item's handlers, never anyone else.
rules.add_perm("voices.view_contact", rules.is_authenticated & (is_submitter | is_handler))
# Handlers' names in the trail (the public and the submitter see units and roles only).
rules.add_perm("voices.view_names", rules.is_authenticated & is_official)
# The handler's inbox: anyone handling or supervising items somewhere.
rules.add_perm("voices.use_inbox", rules.is_authenticated & (is_handler | is_read_only_over))
rules.add_perm("voices.supervise_voice", rules.is_authenticated & is_read_only_over)
rules.add_perm("voices.add_note", rules.is_authenticated & is_handler)
rules.add_perm("voices.publish_voice", rules.is_authenticated & is_territorial_handler)
