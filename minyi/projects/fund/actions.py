"""P6 — the special fund for deputies' suggestions: verify on site → screen by principles → the chair
meeting decides within the total → chosen items are built and supervised like P3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Unit
from minyi.core.models.units import UnitKind
from minyi.core.record.write import record_event
from minyi.projects.delivery.actions import acting_person, do_open_delivery, office_actor, parse_amount
from minyi.projects.delivery.rules import FUND_ROLES, VERIFY_ROLES
from minyi.projects.fund.models import Fund, FundItem, FundItemStatus
from minyi.voices.models import Voice, VoiceKind


def _error(code: str, message: str, field_name: str) -> ActionError:
    return ActionError(code, message, {"field": field_name})


def fund_actor(actor: Actor, fund_or_unit: Fund | Unit) -> Actor:
    unit = fund_or_unit.unit if isinstance(fund_or_unit, Fund) else fund_or_unit
    return office_actor(actor, FUND_ROLES, unit, _("只有区人大选联工委（主任会议办公室）可以办理专项资金"))


@transaction.atomic
def do_create_fund(unit: Unit, *, year: int, title: str, total: Decimal | str, actor: Actor) -> Fund:
    actor = fund_actor(actor, unit)
    if unit.kind != UnitKind.DISTRICT:
        raise _error("unit_not_district", _("专项资金由区（县）设立"), "unit")
    if not title.strip():
        raise _error("title_required", _("请填写名称"), "title")
    if Fund.objects.filter(unit=unit, year=year).exists():
        raise Conflict("fund_exists", _("本年度专项资金已设立"), {"field": "year"})
    fund = Fund.objects.create(
        unit=unit, year=year, title=title.strip()[:120], total=parse_amount(total, "total")
    )
    record_event(
        actor=actor,
        action="projects.fund.create",
        subject=fund,
        unit=unit,
        public=True,
        data={"total": str(fund.total), "year": year},
    )
    return fund


@dataclass(frozen=True)
class VerificationInput:
    title: str
    cost: Decimal | str
    group: str  # the township's survey group (调研组)
    verified_on: dt.date
    finding: str  # necessity, urgency, feasibility (必要性、紧迫性、可行性)


@transaction.atomic
def do_verify_candidate(fund: Fund, voice: Voice, data: VerificationInput, *, actor: Actor) -> FundItem:
    """A township group verified a deputy's suggestion on site: it becomes a candidate item."""
    fund = Fund.objects.select_for_update().select_related("unit").get(pk=fund.pk)
    if fund.decided_at is not None:
        raise Conflict("fund_decided", _("主任会议已作出决定，不能再增加候选项目"), {})
    if voice.kind != VoiceKind.DEPUTY_SUGGESTION:
        raise _error("not_deputy_suggestion", _("只有代表建议可以申请专项资金"), "voice")
    township = (
        voice.unit
        if voice.unit.kind == UnitKind.TOWNSHIP
        else next(
            (u for u in reversed(list(voice.unit.get_ancestors())) if u.kind == UnitKind.TOWNSHIP), None
        )
    )
    if township is None or not township.path.startswith(fund.unit.path):
        raise _error("voice_outside_fund", _("该建议不在本区的乡镇"), "voice")
    actor = office_actor(actor, VERIFY_ROLES, township, _("只有乡镇调研组（乡镇工作人员）可以核查"))
    if FundItem.objects.filter(fund=fund, voice=voice).exists():
        raise Conflict("item_exists", _("该建议已是候选项目"), {"field": "voice"})
    for name, value in (("title", data.title), ("group", data.group), ("finding", data.finding)):
        if not value.strip():
            raise _error(f"{name}_required", _("请填写完整的核查信息"), name)
    if data.verified_on > timezone.localdate():
        raise _error("verified_on_future", _("核查日期不能晚于今天"), "verified_on")
    item = FundItem.objects.create(
        fund=fund,
        voice=voice,
        township=township,
        title=data.title.strip()[:120],
        cost=parse_amount(data.cost, "cost"),
        verification_group=data.group.strip()[:200],
        verified_on=data.verified_on,
        verification=data.finding.strip(),
        verified_by=acting_person(actor),
    )
    record_event(
        actor=actor,
        action="projects.fund.verify",
        subject=fund,
        unit=township,
        public=True,
        data={"item": item.pk, "voice": voice.tracking_code, "cost": str(item.cost)},
    )
    return item


def weights() -> dict[str, int]:
    return {
        "livelihood": settings.MINYI_FUND_WEIGHT_LIVELIHOOD,
        "within_year": settings.MINYI_FUND_WEIGHT_WITHIN_YEAR,
        "fairness": settings.MINYI_FUND_WEIGHT_FAIRNESS,
    }


def weighted_score(livelihood: int, within_year: int, fairness: int) -> Decimal:
    w = weights()
    total = sum(w.values())
    points = w["livelihood"] * livelihood + w["within_year"] * within_year + w["fairness"] * fairness
    return (Decimal(points) / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def do_screen_item(
    item: FundItem, *, livelihood: int, within_year: int, fairness: int, note: str = "", actor: Actor
) -> FundItem:
    """Screening (初步筛选): a 0–100 score per principle; the weighted mean ranks the candidates."""
    item = FundItem.objects.select_for_update().select_related("fund__unit").get(pk=item.pk)
    actor = fund_actor(actor, item.fund)
    if item.fund.decided_at is not None:
        raise Conflict("fund_decided", _("主任会议已作出决定"), {})
    for name, value in (("livelihood", livelihood), ("within_year", within_year), ("fairness", fairness)):
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise _error("score_invalid", _("每项评分必须是0到100的整数"), name)
    item.livelihood, item.within_year, item.fairness = livelihood, within_year, fairness
    item.score = weighted_score(livelihood, within_year, fairness)
    item.screening_note = note.strip()[:300]
    item.status = FundItemStatus.SCREENED
    item.save(update_fields=["livelihood", "within_year", "fairness", "score", "screening_note", "status"])
    record_event(
        actor=actor,
        action="projects.fund.screen",
        subject=item.fund,
        unit=item.fund.unit,
        public=True,
        data={"item": item.pk, "scores": [livelihood, within_year, fairness], "score": str(item.score)},
    )
    return item


@transaction.atomic
def do_decide_fund(fund: Fund, chosen: Sequence[FundItem], *, note: str, actor: Actor) -> Fund:
    """The chair meeting (主任会议) chooses screened items within the total; the rest are not funded."""
    fund = Fund.objects.select_for_update().select_related("unit").get(pk=fund.pk)
    actor = fund_actor(actor, fund)
    if fund.decided_at is not None:
        raise Conflict("fund_decided", _("主任会议已作出决定"), {})
    if not note.strip():
        raise _error("note_required", _("请填写主任会议纪要"), "note")
    ids = {item.pk for item in chosen}
    if not ids:
        raise _error("nothing_chosen", _("请至少选择一个项目"), "items")
    items = list(FundItem.objects.select_for_update().filter(fund=fund))
    by_id = {item.pk: item for item in items}
    if not ids <= set(by_id) or any(by_id[i].status != FundItemStatus.SCREENED for i in ids):
        raise _error("item_not_screened", _("只能选择本资金中已筛选评分的项目"), "items")
    total = sum((by_id[i].cost for i in ids), Decimal(0))
    if total > fund.total:
        raise ActionError(
            "over_fund_total",
            _("所选项目合计 %(sum)s 元，超过专项资金总额 %(total)s 元") % {"sum": total, "total": fund.total},
            {"field": "items", "sum": str(total), "total": str(fund.total)},
        )
    for item in items:
        if item.status in (FundItemStatus.SCREENED, FundItemStatus.CANDIDATE):
            item.status = FundItemStatus.CHOSEN if item.pk in ids else FundItemStatus.NOT_CHOSEN
            item.save(update_fields=["status"])
            if item.pk in ids:
                do_open_delivery(
                    item, unit=item.township, title=item.title, budget=item.cost, year=fund.year, actor=actor
                )
    fund.decided_at, fund.decision_note = timezone.now(), note.strip()
    fund.save(update_fields=["decided_at", "decision_note"])
    record_event(
        actor=actor,
        action="projects.fund.decide",
        subject=fund,
        unit=fund.unit,
        public=True,
        data={"chosen": sorted(ids), "sum": str(total), "total": str(fund.total)},
    )
    return fund


def allocated(fund: Fund) -> Decimal:
    value = fund.items.filter(status=FundItemStatus.CHOSEN).aggregate(s=Sum("cost"))["s"]
    return value if value is not None else Decimal("0.00")
