"""Named core permissions: pages, API and tests all ask for these names.

Ask with the object acted on: `user.has_perm("core.grant_role", unit)`. Asked without an object a
rule answers "anywhere in the tree" (menus); never authorize a change that way. See docs/permissions.md.
"""

from __future__ import annotations

import rules

from minyi.core.attachments import is_public_attachment, may_see_attachment_subject, uploaded_it
from minyi.core.predicates import (
    is_admin_over,
    is_admin_over_person,
    is_platform_admin,
    is_related_to_process,
    is_self,
    is_supervisory_over,
    takes_part_in_process,
)

# O1 — the tree is public.
rules.add_perm("core.view_unit", rules.always_allow)
# obj: the unit to change, or the parent of a unit to create.
rules.add_perm("core.manage_units", rules.is_authenticated & is_admin_over)

# O2 — roles. obj: the unit the role is granted on / the RoleGrant to revoke.
rules.add_perm("core.grant_role", rules.is_authenticated & is_admin_over)
rules.add_perm("core.revoke_role", rules.is_authenticated & is_admin_over)
# obj: a Person.
rules.add_perm("core.view_person", rules.is_authenticated & (is_self | is_admin_over_person))
# obj: the unit a new person will live in (their home unit).
rules.add_perm("core.manage_people", rules.is_authenticated & is_admin_over)
# obj: the unit of the deputy's constituency or station.
rules.add_perm("core.manage_deputies", rules.is_authenticated & is_admin_over)

# O3/O4 — processes and the public record. obj: anything with a unit.
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

# The administration site: any administrator; what they see inside is scoped per model.
rules.add_perm("core.use_admin_site", rules.is_authenticated & is_admin_over)

# O5 — channels are platform-wide, so only an administrator of a root unit changes them.
rules.add_perm("core.manage_channels", rules.is_authenticated & is_platform_admin)

# Attachments (minyi/core/attachments.py). obj: the Attachment. Public ones for anyone; private ones for
# the uploader, platform administrators and whoever may see the subject they belong to.
rules.add_perm(
    "core.view_attachment",
    is_public_attachment
    | (rules.is_authenticated & (uploaded_it | is_platform_admin | may_see_attachment_subject)),
)
