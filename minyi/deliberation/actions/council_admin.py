"""D1 — editing councils, terms and members from the management pages (creation is in councils.py)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.record.write import record_event
from minyi.deliberation.models import Council, CouncilKind, Membership, MemberType, Term
from minyi.deliberation.predicates import forget_membership


@transaction.atomic
def do_update_council(
    council: Council,
    *,
    name: str,
    kind: str,
    governance_vote: bool,
    is_active: bool,
    actor: Actor,
    assembly_vote: bool | None = None,
) -> Council:
    council = Council.objects.select_for_update(of=("self",)).select_related("unit").get(pk=council.pk)
    if not name.strip():
        raise ActionError("name_required", _("名称不能为空"), {"field": "name"})
    if kind not in CouncilKind.values:
        raise ActionError("council_kind_unknown", _("未知的议事会类型"), {"field": "kind"})
    council.name, council.kind = name.strip()[:120], kind
    council.governance_vote, council.is_active = governance_vote, is_active
    if assembly_vote is not None:  # 审议 by the assembly's vote (review_polls.py)
        council.assembly_vote = assembly_vote
    council.save(update_fields=["name", "kind", "governance_vote", "assembly_vote", "is_active"])
    record_event(
        actor=actor,
        action="deliberation.council.update",
        subject=council,
        unit=council.unit,
        public=True,
        data={
            "name": council.name,
            "kind": kind,
            "governance_vote": governance_vote,
            "assembly_vote": council.assembly_vote,
            "is_active": is_active,
        },
    )
    return council


@transaction.atomic
def do_update_term(term: Term, *, starts_on: dt.date, ends_on: dt.date, actor: Actor) -> Term:
    term = Term.objects.select_for_update(of=("self",)).select_related("council__unit").get(pk=term.pk)
    if ends_on <= starts_on:
        raise ActionError("term_dates", _("届期结束日期必须晚于开始日期"), {"field": "ends_on"})
    term.starts_on, term.ends_on = starts_on, ends_on
    term.save(update_fields=["starts_on", "ends_on"])
    record_event(
        actor=actor,
        action="deliberation.term.update",
        subject=term.council,
        unit=term.council.unit,
        public=True,
        data={"number": term.number, "starts_on": starts_on, "ends_on": ends_on},
    )
    return term


@transaction.atomic
def do_update_member(membership: Membership, *, member_type: str, actor: Actor) -> Membership:
    """Change a member's type (e.g. to 五级治理 governance member, who votes on topics in governance councils)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("council__unit")
        .get(pk=membership.pk)
    )
    if not membership.is_active:
        raise Conflict("membership_ended", _("该代表已离任"), {})
    if member_type not in MemberType.values:
        raise ActionError("member_type_unknown", _("未知的代表类别"), {"field": "member_type"})
    membership.member_type = member_type
    membership.save(update_fields=["member_type"])
    forget_membership(membership.person)
    record_event(
        actor=actor,
        action="deliberation.member.update",
        subject=membership.council,
        unit=membership.council.unit,
        public=True,
        data={"person": membership.person_id, "member_type": member_type},
    )
    return membership
