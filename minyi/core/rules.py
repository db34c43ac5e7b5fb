"""Named core permissions: pages, API and tests all ask for these names."""

from __future__ import annotations

import rules

from minyi.core.predicates import is_admin_over, is_awaited_on, is_self, is_staff_over, is_supervisory_over

rules.add_perm("core.view_unit", rules.always_allow)
rules.add_perm("core.manage_units", rules.is_authenticated & is_admin_over)
rules.add_perm("core.grant_role", rules.is_authenticated & is_admin_over)
rules.add_perm("core.view_person", rules.is_authenticated & (is_self | is_admin_over))
rules.add_perm("core.verify_record", rules.is_authenticated & (is_admin_over | is_supervisory_over))
rules.add_perm("core.override_process", rules.is_authenticated & is_admin_over)
rules.add_perm(
    "core.view_process_instance", rules.is_authenticated & (is_staff_over | is_supervisory_over | is_awaited_on)
)
