"""Demo villager self-build (村民自建, P5) in the first village of the first district: last year's project
went through all five stages and is in 民管 with its effect survey answered (P4); this year's has passed
民议 and 民定 and is in 民建, with quotes, a contract, a payment and progress disclosed.

Made through the actions under the projects demo's simulated clock (see `minyi.projects.demo`).
The village's committee works as the `village` demo account (community staff of the village).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actions.roles import do_grant_role
from minyi.core.actors import Actor
from minyi.core.demo import names
from minyi.core.demo.build import DEMO_PASSWORD
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.projects.delivery import actions as delivery
from minyi.projects.selfbuild import actions as selfbuild
from minyi.projects.selfbuild.models import MaintenanceKind, Need, SelfBuildRound
from minyi.surveys.actions.effect import OVERALL_KEY, SATISFACTION_OPTIONS
from minyi.surveys.actions.lifecycle import do_open_survey
from minyi.surveys.actions.responding import do_submit_response
from minyi.surveys.models import RespondentGroup, Survey

if TYPE_CHECKING:
    from minyi.projects.demo import Builder

VILLAGE_ACCOUNT = "village"
VILLAGERS = 14
PRESENT = 11


@dataclass(frozen=True)
class NeedPlan:
    title: str
    description: str
    cost: str
    place: str
    raised_by: str


LAST_YEAR_NEEDS = (
    NeedPlan(
        "村道路灯安装",
        "主村道没有路灯，晚上村民出行不便，安装太阳能路灯40盏。",
        "120000",
        "主村道",
        "一组院坝会",
    ),
    NeedPlan(
        "村民活动广场硬化", "村委会前空地雨天泥泞，硬化后作为活动广场。", "150000", "村委会前", "入户走访"
    ),
    NeedPlan("灌溉水渠清淤", "三组灌溉水渠淤塞，影响春耕。", "80000", "三组", "三组院坝会"),
)
# Approval marks by need position, one tuple per villager present (up to n−1 each).
LAST_YEAR_MARKS = ((0, 1),) * 5 + ((0, 2),) * 2 + ((0, 1), (0, 2), (1, 2), (1, 2))
THIS_YEAR_NEEDS = (
    NeedPlan(
        "村口便民桥加固", "村口便民桥桥墩冲刷严重，需加固并加装护栏。", "180000", "村口小河", "二组院坝会"
    ),
    NeedPlan("村小学门口道路拓宽", "小学门口道路窄，接送孩子时经常堵车。", "160000", "村小学", "家长代表"),
    NeedPlan("村卫生室改造", "卫生室面积小、设备旧，改造诊室并添置设备。", "90000", "村卫生室", "入户走访"),
    NeedPlan("河道护栏安装", "沿河道路安装护栏约500米。", "70000", "沿河路", "四组院坝会"),
)
THIS_YEAR_MARKS = ((0, 1, 2),) * 7 + ((0, 2, 3), (0, 3), (3,))
ANSWERS = (
    (5, 5, 4, 0, "路灯很亮，晚上出门放心多了。"),
    (4, 5, 4, 0, ""),
    (5, 4, 3, 1, "广场排水还可以再改进。"),
    (4, 4, 4, 0, ""),
    (5, 5, 5, 0, "希望以后多办这样的实事。"),
    (3, 4, 3, 1, "个别路灯亮灯时间短。"),
    (4, 5, 4, 0, ""),
    (5, 4, 4, 0, ""),
    (2, 3, 2, 2, "广场有裂缝，管护要跟上。"),
)


def first_village(district: Unit) -> Unit | None:
    villages = Unit.objects.filter(
        kind=UnitKind.COMMUNITY, path__startswith=district.path, name__endswith="村"
    )
    return villages.order_by("path").first()


def build_demo_selfbuild(b: Builder) -> dict[str, int]:
    """Both self-build rounds of the village; returns how many rounds ended in each stage."""
    village = first_village(b.district)
    if village is None:
        return {}
    b.tick(460)
    with transaction.atomic():
        clerk, villagers = _people(b, village)
    committee = Actor(person=clerk, role="community_staff", unit=village)
    today = timezone.localdate(b.now)
    finished = _round(b, village, committee, villagers, today.year - 1, LAST_YEAR_NEEDS, LAST_YEAR_MARKS, 450)
    _complete(b, finished, committee, villagers)
    current = _round(b, village, committee, villagers, today.year, THIS_YEAR_NEEDS, THIS_YEAR_MARKS, 110)
    _build(b, current, committee, finished=False)
    stages: dict[str, int] = {}
    for round_ in (finished, current):
        stage = selfbuild.stage(round_)
        stages[stage] = stages.get(stage, 0) + 1
    return stages


def _people(b: Builder, village: Unit) -> tuple[Person, list[Person]]:
    system = Actor.system()
    clerk = do_create_person(
        PersonInput(
            username=VILLAGE_ACCOUNT,
            name=names.person_name(b.rng),
            phone=names.mobile_number(b.rng),
            home_unit=village,
            password=DEMO_PASSWORD,
        ),
        actor=system,
    )
    do_grant_role(clerk, "community_staff", village, actor=system, note="演示账号")
    villagers = [
        do_create_person(
            PersonInput(
                username=f"villager{number:02d}",
                name=names.person_name(b.rng),
                phone=names.mobile_number(b.rng),
                home_unit=village,
            ),
            actor=system,
        )
        for number in range(1, VILLAGERS + 1)
    ]
    return clerk, villagers


def _round(
    b: Builder,
    village: Unit,
    committee: Actor,
    villagers: list[Person],
    year: int,
    needs: tuple[NeedPlan, ...],
    marks: tuple[tuple[int, ...], ...],
    start: int,
) -> SelfBuildRound:
    """民议 (needs, the meeting record) and 民定 (the villagers' assembly vote, ranked within the budget)."""
    b.tick(start)
    budget = "300000" if year < timezone.localdate(b.now).year else "350000"
    round_ = selfbuild.do_create_selfbuild(
        village,
        selfbuild.SelfBuildInput(title=f"{year}年{village.name}村民自建项目", year=year, budget=budget),
        actor=committee,
    )
    made = []
    for index, need in enumerate(needs):
        b.tick(start - 3 - index * 2)
        made.append(
            selfbuild.do_add_need(
                round_,
                selfbuild.NeedInput(
                    need.title, need.description, need.cost, place=need.place, raised_by=need.raised_by
                ),
                actor=committee,
            )
        )
    b.tick(start - 15, hour=19)
    selfbuild.do_record_discussion(
        round_,
        record="村民议事会讨论收集到的需求，逐项核实费用和可行性，一致同意提交村民会议票决。",
        held_on=timezone.localdate(),
        attendance=23,
        actor=committee,
    )
    b.tick(start - 25, hour=9)
    present = villagers[:PRESENT]
    poll = selfbuild.do_open_village_vote(round_, electorate=villagers, present=present, actor=committee)
    for villager, chosen in zip(present, marks, strict=False):
        do_cast_ballot(poll, [str(made[i].pk) for i in chosen], actor=Actor(person=villager, role="resident"))
    b.tick(start - 25, hour=11)
    selfbuild.do_decide(
        round_, committee="村民议事会推选：" + "、".join(v.name for v in villagers[:3]), actor=committee
    )
    return round_


def _build(b: Builder, round_: SelfBuildRound, committee: Actor, *, finished: bool) -> None:
    """民建: quotes and a contract per chosen need, milestones, payments with vouchers, progress."""
    from minyi.projects.demo import pdf_file, png_file

    start = (b.now - b.clock[0]).days
    for index, need in enumerate(Need.objects.filter(round=round_, chosen=True).order_by("rank")):
        b.tick(start - 3 - index)
        for number, supplier in enumerate(("本村施工队", "镇建筑工程队")):
            amount = (need.cost * Decimal("0.95" if number == 0 else "0.98")).quantize(Decimal("0.01"))
            selfbuild.do_record_procurement(
                need,
                kind="quote",
                supplier=supplier,
                amount=amount,
                document=pdf_file(f"quote-{need.pk}-{number}.pdf", f"quote {amount}"),
                actor=committee,
            )
        contract = (need.cost * Decimal("0.95")).quantize(Decimal("0.01"))
        selfbuild.do_record_procurement(
            need,
            kind="contract",
            supplier="本村施工队",
            amount=contract,
            document=pdf_file(f"contract-{need.pk}.pdf", f"contract {contract}"),
            actor=committee,
        )
        record = delivery.delivery_of(need)
        assert record is not None
        day = timezone.localdate()
        works_days = 60 if finished else 120  # this year's works are due after the demo's today
        works = delivery.do_add_milestone(
            record,
            delivery.MilestoneInput("施工", day, day + dt.timedelta(days=works_days), weight=3),
            actor=committee,
        )
        check = delivery.do_add_milestone(
            record,
            delivery.MilestoneInput(
                "村民验收",
                day + dt.timedelta(days=works_days),
                day + dt.timedelta(days=works_days + 15),
            ),
            actor=committee,
        )
        b.tick(start - 20 - index)
        delivery.do_record_payment(
            record,
            delivery.PaymentInput(
                amount=(contract * Decimal("0.3")).quantize(Decimal("0.01")),
                paid_on=timezone.localdate(),
                payee="本村施工队",
                purpose="预付款",
            ),
            document=pdf_file(f"payment-{need.pk}.pdf", "advance"),
            actor=committee,
        )
        if finished:
            b.tick(start - 60 - index)
            delivery.do_complete_milestone(works, actual_end=timezone.localdate(), actor=committee)
            b.tick(start - 70 - index)
            delivery.do_complete_milestone(check, actual_end=timezone.localdate(), actor=committee)
            delivery.do_record_payment(
                record,
                delivery.PaymentInput(
                    amount=(contract * Decimal("0.65")).quantize(Decimal("0.01")),
                    paid_on=timezone.localdate(),
                    payee="本村施工队",
                    purpose="结算款",
                ),
                document=pdf_file(f"final-{need.pk}.pdf", "final"),
                actor=committee,
            )
        else:
            b.tick(3 + index, hour=16)
            delivery.do_report_progress(works, 55 - 20 * index, note="主体工程施工中", actor=committee)
            delivery.do_add_photo(record, png_file("works.png", (160, 120 + 40 * index, 80)), actor=committee)


def _complete(b: Builder, round_: SelfBuildRound, committee: Actor, villagers: list[Person]) -> None:
    """Last year's: built, accepted by the villagers (民评), kept by a caretaker (民管), evaluated."""
    _build(b, round_, committee, finished=True)
    b.tick(340)
    selfbuild.do_finish_building(round_, actor=committee)
    b.tick(335, hour=9)
    present = villagers[:PRESENT]
    poll = selfbuild.do_open_acceptance_vote(round_, electorate=villagers, present=present, actor=committee)
    for number, villager in enumerate(present):
        do_cast_ballot(
            poll, "abstain" if number == 4 else "yes", actor=Actor(person=villager, role="resident")
        )
    b.tick(335, hour=11)
    caretaker = villagers[0]
    round_ = selfbuild.do_conclude_acceptance(round_, caretaker=caretaker, actor=committee)
    for days, kind, text in (
        (300, MaintenanceKind.ROUTINE, "清扫广场，检查路灯40盏，2盏不亮已报修。"),
        (250, MaintenanceKind.REPAIR, "更换损坏路灯2盏，费用由管护资金列支。"),
        (60, MaintenanceKind.YEARLY_CHECK, "年度检查：路灯和广场使用正常，广场东侧有细小裂缝，已安排修补。"),
    ):
        b.tick(days)
        selfbuild.do_log_maintenance(
            round_,
            kind=kind,
            done_on=timezone.localdate(),
            text=text,
            actor=Actor(person=caretaker, role="resident"),
        )
    _answer_survey(b, round_, villagers)


def _answer_survey(b: Builder, round_: SelfBuildRound, villagers: list[Person]) -> None:
    """The effect evaluation opens after the period of use; some villagers answer it (P4)."""
    survey = Survey.objects.filter(pk=round_.evaluation_ref).first()
    if survey is None or survey.open_at is None:
        return
    opens = (b.now.date() - survey.open_at).days
    if opens < 10:
        return
    b.tick(opens)
    do_open_survey(survey, actor=Actor.system())
    group = RespondentGroup.objects.filter(survey=survey).order_by("pk").first()
    assert group is not None
    labels = [key for key, _label in SATISFACTION_OPTIONS]  # an answer names the option's key
    for number, (villager, answer) in enumerate(zip(villagers, ANSWERS, strict=False)):
        b.tick(opens - 1 - number)
        quality, usefulness, maintenance, overall, comment = answer
        do_submit_response(
            group,
            {
                "quality": quality,
                "usefulness": usefulness,
                "maintenance": maintenance,
                OVERALL_KEY: labels[overall],
                "comments": comment,
            },
            actor=Actor(person=villager, role="resident"),
            device_key=f"demo-villager-{number}",
        )
