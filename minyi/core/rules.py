"""Named core permissions: pages, API and tests all ask for these names."""

from __future__ import annotations

import rules

from minyi.core.predicates import (
    is_admin_over,
    is_related_to_process,
    is_self,
    is_supervisory_over,
    takes_part_in_process,
)

rules.add_perm("core.view_unit", rules.always_allow)
rules.add_perm("core.manage_units", rules.is_authenticated & is_admin_over)
rules.add_perm("core.grant_role", rules.is_authenticated & is_admin_over)
rules.add_perm("core.view_person", rules.is_authenticated & (is_self | is_admin_over))
rules.add_perm("core.verify_record", rules.is_authenticated & (is_admin_over | is_supervisory_over))
rules.add_perm("core.override_process", rules.is_authenticated & is_admin_over)
# A process instance's page: its actors, administrators and supervisors over its unit, and the
# people it concerns (its submitter). Officials' names in the trail only for officials.
rules.add_perm(
    "core.view_process",
    rules.is_authenticated & (is_admin_over | is_supervisory_over | takes_part_in_process | is_related_to_process),
)
rules.add_perm(
    "core.view_process_names", rules.is_authenticated & (is_admin_over | is_supervisory_over | takes_part_in_process)
)
rules.add_perm("core.request_role", rules.is_authenticated)
