"""Named deliberation permissions, used identically by pages, API and tests (docs/deliberation.md).

The seven rights of seed 000 map to: 提出议题权 → propose_topic; 表决权 → cast through ballots
(the poll's electorate is the council's members); 督办权 and 监督评议权 → supervise_topic; 列席权 →
apply_to_observe (anyone); 调查权 and 反映意见和建议权 → view_topic / comment through progress; the
community's staff run the council (manage_council).
"""

from __future__ import annotations

import rules

from minyi.deliberation.predicates import is_council_manager, is_council_member

rules.add_perm("deliberation.manage_council", rules.is_authenticated & is_council_manager)
rules.add_perm("deliberation.propose_topic", rules.is_authenticated & is_council_member)
rules.add_perm("deliberation.supervise_topic", rules.is_authenticated & is_council_member)
rules.add_perm("deliberation.sign_in", rules.is_authenticated & is_council_member)
rules.add_perm("deliberation.apply_to_observe", rules.is_authenticated)
rules.add_perm("deliberation.submit_resident_topic", rules.is_authenticated)

# D5/D6: consultation plans, hearings, advisers, Q&A sessions, inquiries and appraisals (organisers.py).
from minyi.deliberation.organisers import is_unit_organiser  # noqa: E402

rules.add_perm("deliberation.organise", rules.is_authenticated & is_unit_organiser)
rules.add_perm("deliberation.apply_to_speak", rules.is_authenticated)
