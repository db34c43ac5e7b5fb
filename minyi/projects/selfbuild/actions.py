"""P5 — villager self-build (村民自建): the five stages through the `village_selfbuild` process.

民定 is a villagers' assembly vote through minyi.ballots (approval of up to n−1 candidate needs,
quorum and majority from settings, 村民委员会组织法). The needs that pass are funded in order of votes
while they fit the village budget (a need that does not fit is skipped, the next one tried).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.ballots.actions import PollInput, do_close_poll, do_create_poll, do_open_poll, do_publish_poll
from minyi.ballots.actions.lifecycle import OptionInput
from minyi.ballots.models import Counting, Method, Poll, PollState
from minyi.ballots.schemas import MAJORITY_PRESETS
from minyi.core.actions.files import do_store_attachment
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, Conflict
from minyi.core.files import check_upload
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.models.units import UnitKind
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_ref
from minyi.projects.delivery.actions import acting_person, do_open_delivery, office_actor, parse_amount
from minyi.projects.delivery.models import Delivery
from minyi.projects.selfbuild.models import (
    MaintenanceEntry,
    MaintenanceKind,
    Need,
    Procurement,
    ProcurementKind,
    SelfBuildRound,
)
from minyi.surveys.actions.building import GroupInput
from minyi.surveys.actions.effect import create_effect_evaluation
from minyi.surveys.models import Access

PROCESS = "village_selfbuild"
COMMITTEE_ROLES = frozenset({"community_staff", "admin"})
DECISION_POLL = "projects.selfbuild.decision"
ACCEPTANCE_POLL = "projects.selfbuild.acceptance"
YEARLY_CHECK_DAYS = 365


def _error(code: str, message: str, field_name: str) -> ActionError:
    return ActionError(code, message, {"field": field_name})


def instance_for(round_: SelfBuildRound) -> ProcessInstance:
    kind, pk = subject_ref(round_)
    return ProcessInstance.objects.get(process=PROCESS, subject_type=kind, subject_id=pk)


def stage(round_: SelfBuildRound) -> str:
    return instance_for(round_).state


def require_stage(round_: SelfBuildRound, expected: str) -> None:
    current = stage(round_)
    if current != expected:
        raise Conflict(
            "stage_wrong",
            _("当前阶段不能进行此操作（须先完成前一阶段）"),
            {"stage": current, "expected": expected},
        )


def committee_actor(actor: Actor, round_: SelfBuildRound) -> Actor:
    return office_actor(actor, COMMITTEE_ROLES, round_.village, _("只有本村（社区）“两委”可以办理村民自建"))


def _locked(round_: SelfBuildRound) -> SelfBuildRound:
    return SelfBuildRound.objects.select_for_update().select_related("village").get(pk=round_.pk)


def quorum_json() -> dict[str, Any]:
    return {
        "numerator": settings.MINYI_VILLAGE_ASSEMBLY_QUORUM_NUMERATOR,
        "denominator": settings.MINYI_VILLAGE_ASSEMBLY_QUORUM_DENOMINATOR,
        "strict": settings.MINYI_VILLAGE_ASSEMBLY_QUORUM_STRICT,
    }


# ---- 民议 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfBuildInput:
    title: str
    year: int
    budget: Decimal | str


@transaction.atomic
def do_create_selfbuild(village: Unit, data: SelfBuildInput, *, actor: Actor) -> SelfBuildRound:
    if village.kind != UnitKind.COMMUNITY:
        raise _error("unit_not_village", _("村民自建项目必须属于一个村（社区）"), "village")
    actor = office_actor(actor, COMMITTEE_ROLES, village, _("只有本村（社区）“两委”可以办理村民自建"))
    title = data.title.strip()
    if not title:
        raise _error("title_required", _("请填写名称"), "title")
    budget = parse_amount(data.budget, "budget")
    if SelfBuildRound.objects.filter(village=village, year=data.year, title=title).exists():
        raise Conflict("selfbuild_exists", _("本村该年度已有同名自建项目"), {"field": "title"})
    round_ = SelfBuildRound.objects.create(village=village, year=data.year, title=title[:120], budget=budget)
    runtime.start(PROCESS, subject=round_, unit=village, title=round_.title, actor=actor)
    return round_


@dataclass(frozen=True)
class NeedInput:
    title: str
    description: str
    cost: Decimal | str
    place: str = ""
    raised_by: str = ""


@transaction.atomic
def do_add_need(round_: SelfBuildRound, data: NeedInput, *, actor: Actor) -> Need:
    """民议: a need gathered from villagers (院坝会、入户走访) with its estimated cost."""
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "discussing")
    if not data.title.strip():
        raise _error("title_required", _("请填写项目名称"), "title")
    if not data.description.strip():
        raise _error("description_required", _("请填写需求说明"), "description")
    need = Need.objects.create(
        round=round_,
        title=data.title.strip()[:120],
        description=data.description.strip(),
        cost=parse_amount(data.cost, "cost"),
        place=data.place.strip()[:200],
        raised_by=data.raised_by.strip()[:60],
        raised_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.selfbuild.need",
        subject=round_,
        unit=round_.village,
        public=True,
        data={"need": need.pk, "title": need.title, "cost": str(need.cost)},
    )
    return need


@transaction.atomic
def do_record_discussion(
    round_: SelfBuildRound, *, record: str, held_on: dt.date, attendance: int, actor: Actor
) -> SelfBuildRound:
    """民议 ends with the meeting record; the needs go to the villagers' assembly (民定)."""
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    if not record.strip():
        raise _error("record_required", _("请填写议事会议记录"), "record")
    if attendance < 1:
        raise _error("attendance_invalid", _("请填写参会人数"), "attendance")
    if stage(round_) == "discussing" and round_.needs.count() < 2:
        raise _error("needs_too_few", _("至少收集两个候选项目，村民会议才能比较票决"), "needs")
    runtime.transition(
        instance_for(round_),
        "record_discussion",
        actor=actor,
        inputs={"held_on": held_on, "attendance": attendance},
    )
    round_.meeting_record, round_.meeting_held_on, round_.meeting_attendance = (
        record.strip(),
        held_on,
        attendance,
    )
    round_.save(update_fields=["meeting_record", "meeting_held_on", "meeting_attendance"])
    return round_


# ---- 民定 --------------------------------------------------------------------------------------------


def decision_threshold() -> dict[str, Any]:
    preset = MAJORITY_PRESETS[settings.MINYI_VILLAGE_DECISION_RULE]
    return {"base": preset.base.value, "threshold": preset.threshold.model_dump(mode="json")}


@transaction.atomic
def do_open_village_vote(
    round_: SelfBuildRound, *, electorate: Sequence[Person], present: Sequence[Person], actor: Actor
) -> Poll:
    """The villagers' assembly votes: each villager approves up to n−1 of the n needs (secret ballot)."""
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "deciding")
    if round_.decision_poll_id is not None:
        raise Conflict("poll_exists", _("村民会议表决已发起"), {})
    needs = list(round_.needs.all())
    rule = decision_threshold()
    poll = do_create_poll(
        PollInput(
            unit=round_.village,
            title=_("村民会议票决：%(title)s") % {"title": round_.title},
            method=Method.CHOOSE,
            secrecy="secret",
            rule={"seats": len(needs) - 1, "tie_rule": "leave_open", **rule},
            options=[OptionInput(label=n.title, key=str(n.pk)) for n in needs],
            quorum=quorum_json(),
            counting=Counting.ELECTRONIC,
            subject_type=DECISION_POLL,
            subject_id=str(round_.pk),
        ),
        actor=actor,
    )
    poll = do_open_poll(poll, actor=actor, electorate=electorate, present=present)
    round_.decision_poll = poll
    round_.save(update_fields=["decision_poll"])
    return poll


def _close(poll: Poll | None, actor: Actor) -> Poll:
    if poll is None:
        raise Conflict("poll_missing", _("尚未发起表决"), {})
    if poll.state == PollState.OPEN:
        poll = do_close_poll(poll, actor=actor)
    if poll.state == PollState.CLOSED:
        poll = do_publish_poll(poll, actor=actor)
    return poll


@dataclass(frozen=True)
class RankedNeed:
    need: Need
    votes: int
    rank: int
    chosen: bool
    note: str


def rank_within_budget(
    needs: Sequence[Need], votes: dict[str, int], required: int, budget: Decimal
) -> list[RankedNeed]:
    """Order by votes (more first; then cheaper, then earlier); fund those passing while they fit."""
    ordered = sorted(needs, key=lambda n: (-votes.get(str(n.pk), 0), n.cost, n.pk))
    left = budget
    ranked = []
    for position, need in enumerate(ordered, start=1):
        n = votes.get(str(need.pk), 0)
        if n < required:
            ranked.append(RankedNeed(need, n, position, False, _("得票未过半数")))
        elif need.cost > left:
            ranked.append(RankedNeed(need, n, position, False, _("剩余资金不足")))
        else:
            left -= need.cost
            ranked.append(RankedNeed(need, n, position, True, _("列入实施")))
    return ranked


@transaction.atomic
def do_decide(round_: SelfBuildRound, *, committee: str, actor: Actor) -> list[RankedNeed]:
    """民定 → 民建: publish the vote, rank, choose within the budget, name the villagers' committee."""
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "deciding")
    if not committee.strip():
        raise _error("committee_required", _("请填写实施小组成员（村民议事会推选）"), "committee")
    poll = _close(round_.decision_poll, actor)
    result = poll.result or {}
    votes = {key: int(n) for key, n in result.get("ranking", [])}
    ranked = rank_within_budget(
        list(round_.needs.all()), votes, int(result.get("required", 1)), round_.budget
    )
    if not any(r.chosen for r in ranked):
        raise Conflict("nothing_chosen", _("没有项目获得通过，请重新议事"), {})
    runtime.transition(instance_for(round_), "decide", actor=actor, inputs={"poll": poll.pk})
    for r in ranked:
        r.need.votes, r.need.rank, r.need.chosen, r.need.decision_note = r.votes, r.rank, r.chosen, r.note
        r.need.save(update_fields=["votes", "rank", "chosen", "decision_note"])
        if r.chosen:
            do_open_delivery(
                r.need,
                unit=round_.village,
                title=r.need.title,
                budget=r.need.cost,
                year=round_.year,
                actor=actor,
            )
    round_.committee = committee.strip()
    round_.save(update_fields=["committee"])
    record_event(
        actor=actor,
        action="projects.selfbuild.decided",
        subject=round_,
        unit=round_.village,
        public=True,
        data={"ranking": [[r.need.pk, r.votes, r.chosen] for r in ranked], "committee": round_.committee},
    )
    return ranked


# ---- 民建 --------------------------------------------------------------------------------------------


@transaction.atomic
def do_record_procurement(
    need: Need,
    *,
    kind: str,
    supplier: str,
    amount: Decimal | str,
    document: IO[bytes] | Any | None,
    actor: Actor,
) -> Procurement:
    """A quote or contract, disclosed on the village board with its document (none without one)."""
    round_ = _locked(need.round)
    need = Need.objects.get(pk=need.pk)
    actor = committee_actor(actor, round_)
    require_stage(round_, "building")
    if not need.chosen:
        raise Conflict("need_not_chosen", _("该项目未列入实施"), {})
    if kind not in ProcurementKind.values:
        raise _error("kind_invalid", _("请选择报价或合同"), "kind")
    if not supplier.strip():
        raise _error("supplier_required", _("请填写供应商或施工方"), "supplier")
    value = parse_amount(amount)
    if document is None:
        raise _error("document_required", _("报价单或合同必须上传文件"), "document")
    check_upload(document)
    attachment = do_store_attachment(
        document, actor=actor, subject=round_, unit=round_.village, is_public=True
    )
    item = Procurement.objects.create(
        need=need,
        kind=kind,
        supplier=supplier.strip()[:120],
        amount=value,
        document=attachment,
        recorded_by=acting_person(actor),
        recorded_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.selfbuild.procurement",
        subject=round_,
        unit=round_.village,
        public=True,
        data={"need": need.pk, "kind": kind, "supplier": item.supplier, "amount": str(value)},
    )
    return item


def deliveries_of(round_: SelfBuildRound) -> list[Delivery]:
    ids = [str(pk) for pk in round_.needs.filter(chosen=True).values_list("pk", flat=True)]
    return list(
        Delivery.objects.with_progress()
        .filter(subject_type="projects.need", subject_id__in=ids)
        .order_by("pk")
    )


@transaction.atomic
def do_finish_building(round_: SelfBuildRound, *, actor: Actor) -> SelfBuildRound:
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "building")
    unfinished = [
        d.title for d in deliveries_of(round_) if getattr(d, "weight_total", None) is None or d.progress < 100
    ]
    if unfinished:
        raise Conflict(
            "not_finished",
            _("以下项目尚未完工：%(titles)s") % {"titles": "、".join(unfinished)},
            {"titles": unfinished},
        )
    runtime.transition(instance_for(round_), "finish_building", actor=actor)
    return round_


# ---- 民评 --------------------------------------------------------------------------------------------


@transaction.atomic
def do_open_acceptance_vote(
    round_: SelfBuildRound, *, electorate: Sequence[Person], present: Sequence[Person], actor: Actor
) -> Poll:
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "evaluating")
    if round_.acceptance_poll_id is not None and round_.acceptance_poll.state != PollState.PUBLISHED:  # type: ignore[union-attr]
        raise Conflict("poll_exists", _("验收表决已发起"), {})
    poll = do_create_poll(
        PollInput(
            unit=round_.village,
            title=_("村民验收表决：%(title)s") % {"title": round_.title},
            method=Method.YES_NO,
            secrecy="secret",
            rule=MAJORITY_PRESETS[settings.MINYI_VILLAGE_DECISION_RULE].model_dump(mode="json"),
            quorum=quorum_json(),
            subject_type=ACCEPTANCE_POLL,
            subject_id=str(round_.pk),
        ),
        actor=actor,
    )
    poll = do_open_poll(poll, actor=actor, electorate=electorate, present=present)
    round_.acceptance_poll = poll
    round_.save(update_fields=["acceptance_poll"])
    return poll


def request_effect_evaluation(round_: SelfBuildRound, *, actor: Actor) -> str:
    """P4 民评: the villagers' effect-evaluation survey, opened after the configured period of use
    (MINYI_EFFECT_EVALUATION_DELAY_DAYS) by the surveys app's daily task. Returns the survey's id."""
    survey = create_effect_evaluation(
        round_,
        title=_("%(title)s 建设效果评价（民评）") % {"title": round_.title},
        groups=[GroupInput(name=str(_("村民")), weight="1", access=Access.OPEN)],
        actor=actor,
        unit=round_.village,
    )
    return str(survey.pk)


@transaction.atomic
def do_conclude_acceptance(
    round_: SelfBuildRound, *, actor: Actor, caretaker: Person | None = None, reason: str = ""
) -> SelfBuildRound:
    """Accepted → 民管 with a named caretaker (and the evaluation survey); rejected → back to 民建."""
    round_ = _locked(round_)
    actor = committee_actor(actor, round_)
    require_stage(round_, "evaluating")
    if round_.acceptance_poll is None:
        raise Conflict("poll_missing", _("尚未发起验收表决"), {})
    poll = _close(round_.acceptance_poll, actor)
    if (poll.result or {}).get("passed"):
        if caretaker is None:
            raise _error("caretaker_required", _("验收通过后须明确管护人"), "caretaker")
        runtime.transition(
            instance_for(round_), "accept", actor=actor, inputs={"poll": poll.pk, "caretaker": caretaker}
        )
        round_.caretaker = caretaker
        round_.evaluation_ref = request_effect_evaluation(round_, actor=actor)
        round_.save(update_fields=["caretaker", "evaluation_ref"])
    else:
        runtime.transition(
            instance_for(round_),
            "rework",
            actor=actor,
            inputs={"poll": poll.pk},
            reason=reason or _("验收未通过"),
        )
        round_.acceptance_poll = None
        round_.save(update_fields=["acceptance_poll"])
    return round_


# ---- 民管 --------------------------------------------------------------------------------------------


@transaction.atomic
def do_log_maintenance(
    round_: SelfBuildRound, *, kind: str, done_on: dt.date, text: str, actor: Actor
) -> MaintenanceEntry:
    """The caretaker (or the village committee) keeps the maintenance log; yearly checks are entries too."""
    round_ = _locked(round_)
    person = actor.person
    if not (person is not None and person.pk == round_.caretaker_id):
        actor = committee_actor(actor, round_)
    require_stage(round_, "maintaining")
    if kind not in MaintenanceKind.values:
        raise _error("kind_invalid", _("请选择记录类型"), "kind")
    if not text.strip():
        raise _error("text_required", _("请填写管护记录"), "text")
    if done_on > timezone.localdate():
        raise _error("done_on_future", _("日期不能晚于今天"), "done_on")
    entry = MaintenanceEntry.objects.create(
        round=round_,
        kind=kind,
        done_on=done_on,
        text=text.strip(),
        logged_by=acting_person(actor),
        logged_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="projects.selfbuild.maintenance",
        subject=round_,
        unit=round_.village,
        public=True,
        data={"entry": entry.pk, "kind": kind, "done_on": done_on.isoformat()},
    )
    return entry


def yearly_check_due(round_: SelfBuildRound, today: dt.date | None = None) -> bool:
    """In 民管, a yearly check is due when none was logged in the last year."""
    today = today or timezone.localdate()
    last = (
        round_.maintenance.filter(kind=MaintenanceKind.YEARLY_CHECK)
        .order_by("-done_on")
        .values_list("done_on", flat=True)
        .first()
    )
    return last is None or (today - last).days >= YEARLY_CHECK_DAYS
