"""D1 — councils, terms, democratic recommendation and members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.ballots.models import Poll
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.record.write import record_event
from minyi.deliberation.models import (
    Council,
    CouncilKind,
    Membership,
    MemberType,
    Recommendation,
    RecommendationMethod,
    Term,
)
from minyi.deliberation.predicates import forget_membership

COUNCIL_UNIT_KINDS = {UnitKind.COUNCIL, UnitKind.COMMUNITY}


@dataclass(frozen=True)
class CouncilInput:
    unit: Unit
    name: str
    kind: str = CouncilKind.HALL


@transaction.atomic
def do_create_council(data: CouncilInput, *, actor: Actor) -> Council:
    if data.unit.kind not in COUNCIL_UNIT_KINDS:
        raise ActionError("council_unit_kind", _("议事会只能设在社区或其下的议事会单位"), {"field": "unit"})
    if data.kind not in CouncilKind.values:
        raise ActionError("council_kind_unknown", _("未知的议事会类型"), {"field": "kind"})
    if not data.name.strip():
        raise ActionError("name_required", _("名称不能为空"), {"field": "name"})
    council = Council.objects.create(unit=data.unit, name=data.name.strip(), kind=data.kind)
    record_event(
        actor=actor,
        action="deliberation.council.create",
        subject=council,
        unit=data.unit,
        public=True,
        data={"name": council.name, "kind": council.kind},
    )
    return council


@transaction.atomic
def do_add_term(council: Council, *, number: int, starts_on: dt.date, ends_on: dt.date, actor: Actor) -> Term:
    if ends_on <= starts_on:
        raise ActionError("term_dates", _("届期结束日期必须晚于开始日期"), {"field": "ends_on"})
    if Term.objects.filter(council=council, number=number).exists():
        raise Conflict("term_exists", _("该届次已存在"), {"field": "number"})
    term = Term.objects.create(council=council, number=number, starts_on=starts_on, ends_on=ends_on)
    record_event(
        actor=actor,
        action="deliberation.term.create",
        subject=council,
        unit=council.unit,
        public=True,
        data={"number": number, "starts_on": starts_on, "ends_on": ends_on},
    )
    return term


@dataclass(frozen=True)
class RecommendationInput:
    term: Term
    held_on: dt.date
    method: str
    voters: int
    poll: Poll | None = None
    note: str = ""


@transaction.atomic
def do_record_recommendation(council: Council, data: RecommendationInput, *, actor: Actor) -> Recommendation:
    """The democratic recommendation (民主推选) that chose members; may point at a ballots poll."""
    if data.method not in RecommendationMethod.values:
        raise ActionError("method_unknown", _("未知的推选方式"), {"field": "method"})
    if data.term.council_id != council.pk:
        raise ActionError("term_other_council", _("届期不属于该议事会"), {"field": "term"})
    if data.voters < 1:
        raise ActionError("voters_invalid", _("参加推选人数必须大于0"), {"field": "voters"})
    if data.method == RecommendationMethod.POLL and data.poll is None:
        raise ActionError("poll_required", _("平台投票推选须关联表决"), {"field": "poll"})
    rec = Recommendation.objects.create(
        council=council,
        term=data.term,
        held_on=data.held_on,
        method=data.method,
        voters=data.voters,
        poll=data.poll,
        note=data.note.strip(),
    )
    record_event(
        actor=actor,
        action="deliberation.recommendation.record",
        subject=council,
        unit=council.unit,
        public=True,
        data={
            "term": data.term.number,
            "held_on": data.held_on,
            "method": data.method,
            "voters": data.voters,
            "poll": data.poll.pk if data.poll else None,
        },
    )
    return rec


@transaction.atomic
def do_add_member(
    council: Council,
    person: Person,
    *,
    member_type: str,
    term: Term,
    actor: Actor,
    recommendation: Recommendation | None = None,
    votes: int | None = None,
    joined_on: dt.date | None = None,
) -> Membership:
    if member_type not in MemberType.values:
        raise ActionError("member_type_unknown", _("未知的代表类别"), {"field": "member_type"})
    if term.council_id != council.pk:
        raise ActionError("term_other_council", _("届期不属于该议事会"), {"field": "term"})
    if recommendation is not None and votes is not None and votes > recommendation.voters:
        raise ActionError("votes_invalid", _("得票数不能超过参加推选人数"), {"field": "votes"})
    if Membership.objects.filter(council=council, person=person, is_active=True).exists():
        raise Conflict(
            "already_member", _("%(name)s 已是该议事会代表") % {"name": person}, {"field": "person"}
        )
    membership = Membership.objects.create(
        council=council,
        person=person,
        member_type=member_type,
        term=term,
        recommendation=recommendation,
        votes=votes,
        joined_on=joined_on or term.starts_on,
    )
    forget_membership(person)
    # Members are named on the public record: the council's composition is public (seed 000).
    record_event(
        actor=actor,
        action="deliberation.member.add",
        subject=council,
        unit=council.unit,
        public=True,
        data={"person": person.pk, "member_type": member_type, "term": term.number, "votes": votes},
    )
    return membership


@transaction.atomic
def do_end_membership(
    membership: Membership, *, left_on: dt.date, actor: Actor, reason: str = ""
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise Conflict("membership_ended", _("该代表已离任"), {})
    membership.is_active = False
    membership.left_on = left_on
    membership.save(update_fields=["is_active", "left_on"])
    forget_membership(membership.person)
    record_event(
        actor=actor,
        action="deliberation.member.end",
        subject=membership.council,
        unit=membership.council.unit,
        public=True,
        reason=reason,
        data={"person": membership.person_id, "left_on": left_on},
    )
    return membership
