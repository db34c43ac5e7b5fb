"""Demo livelihood projects for 示范市: the first district's rounds (民生实事项目代表票决制) of this year
and last year — recommended by residents, the liaison station, a deputy and from a voice, screened with
public reasons, departments consulted, a competitive shortlist, the deputies' secret vote through
ballots, results published — then the elected projects under delivery supervision (milestones, progress,
payments with their vouchers, site photos, a deputy's 民呼我督 problem); the special fund for deputies'
suggestions (P6); and, in `minyi.projects.selfbuild.demo`, a village's self-build (P5) with its effect survey.

Everything goes through the actions under a simulated clock (as `minyi.voices.demo`); the same seed gives
the same data. Call after `build_demo` and `build_demo_voices`; it does nothing when a round exists.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.core.demo.build import DEMO_SEED, FIRST_DISTRICT, FIRST_STATION
from minyi.core.models import Person, Unit
from minyi.core.models.people import DeputyBody, DeputyLevel
from minyi.core.models.units import UnitKind
from minyi.projects.actions import projects as recommending
from minyi.projects.actions import rounds
from minyi.projects.delivery import actions as delivery
from minyi.projects.delivery.models import Delivery
from minyi.projects.demo_data import (
    LAST_YEAR,
    LAST_YEAR_MARKS,
    MILESTONES,
    PAYEES,
    SEATS,
    SUGGESTIONS,
    THIS_YEAR,
    THIS_YEAR_MARKS,
    ProjectPlan,
)
from minyi.projects.fund import actions as fund_actions
from minyi.projects.models import Project, ProjectStatus, Round
from minyi.voices.actions import suggestions
from minyi.voices.actions.suggestions import SuggestionInput, do_file_suggestion
from minyi.voices.demo import simulated_clock
from minyi.voices.models import Category, Voice


@dataclass
class DemoProjects:
    rounds: int = 0
    projects: int = 0
    elected: int = 0
    deliveries: int = 0
    payments: int = 0
    problems: int = 0
    fund_items: int = 0
    selfbuild: dict[str, int] = field(default_factory=dict)


def png_file(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small generated picture standing in for a site photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name: str, text: str) -> SimpleUploadedFile:
    """A minimal PDF standing in for a voucher (invoice, contract, payment slip)."""
    body = text.encode("ascii", "replace")
    content = b"%PDF-1.4\n1 0 obj<</Title(" + body + b")>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class Builder:
    """What the demo steps share: the units, the demo accounts as actors, the simulated clock."""

    def __init__(self, seed: int, clock: list[dt.datetime]) -> None:
        self.rng = random.Random(f"{seed}-projects")
        self.clock = clock
        self.now = timezone.now()
        self.district = Unit.objects.get(code=FIRST_DISTRICT)
        self.station_unit = Unit.objects.get(code=FIRST_STATION)
        self.communities = list(
            Unit.objects.filter(kind=UnitKind.COMMUNITY, path__startswith=self.district.path).order_by("path")
        )
        self.departments = list(
            Unit.objects.filter(kind=UnitKind.DEPARTMENT, path__startswith=self.district.path).order_by(
                "path"
            )
        )
        self.people = {
            p.username: p
            for p in Person.objects.filter(
                username__in=["district", "station", "deputy", "resident", "handler"]
            )
        }
        self.staff = Actor(person=self.people["district"], role="district_staff", unit=self.district)
        self.station = Actor(person=self.people["station"], role="station_staff", unit=self.station_unit)

    def days_ago(self, days: float, hour: int = 10) -> dt.datetime:
        moment = timezone.localtime(self.now - dt.timedelta(days=days))
        return moment.replace(hour=hour, minute=self.rng.randint(0, 59), second=0, microsecond=0)

    def tick(self, days_ago: float, hour: int = 10) -> dt.datetime:
        """Move the simulated clock to `days_ago` days before now (never into the future)."""
        self.clock[0] = min(self.days_ago(days_ago, hour), self.now - dt.timedelta(minutes=1))
        return self.clock[0]

    def deputies(self) -> list[Person]:
        return rounds_electorate(self.district)


def rounds_electorate(district: Unit) -> list[Person]:
    from minyi.ballots.actions.lifecycle import role_holders

    return sorted(role_holders(district, ["deputy"]), key=lambda p: p.username)


def build_demo_projects(seed: int = DEMO_SEED) -> DemoProjects:
    """Build the rounds, deliveries, fund and self-build; does nothing when a round already exists."""
    if Round.objects.exists():
        return DemoProjects()
    from minyi.projects.selfbuild.demo import build_demo_selfbuild

    summary = DemoProjects()
    clock = [timezone.now()]
    with simulated_clock(clock):
        b = Builder(seed, clock)
        today = timezone.localdate(b.now)
        _round(b, summary, LAST_YEAR, year=today.year - 1, start=470, marks=LAST_YEAR_MARKS, seats=3)
        _round(b, summary, THIS_YEAR, year=today.year, start=130, marks=THIS_YEAR_MARKS, seats=SEATS)
        _fund(b, summary, today.year)
        summary.selfbuild = build_demo_selfbuild(b)
    return summary


def _voices_for(b: Builder, before: dt.datetime) -> list[Voice]:
    """A voice of the district filed before `before`, preferably one that a public works project answers."""
    filed = Voice.objects.filter(unit__path__startswith=b.district.path, created_at__lt=before).order_by(
        "-created_at", "pk"
    )
    preferred = filed.filter(title__in=["路面坑洼积水", "路灯不亮", "水压太低", "频繁停水", "老旧小区改造"])
    return list(preferred[:1]) or list(filed[:1])


def _recommend(b: Builder, round_: Round, plan: ProjectPlan, index: int, voices: list[Voice]) -> Project:
    unit = b.communities[index % len(b.communities)]
    data = recommending.RecommendationInput(
        title=plan.title,
        description=plan.description,
        unit=unit,
        cost=plan.cost,
        place=plan.place if plan.source == "station" else "",
        beneficiaries=plan.beneficiaries if plan.source == "station" else None,
        category=plan.category,
    )
    if plan.source == "voice" and voices:
        project = recommending.do_recommend_from_voice(voices[0], round_, actor=b.station, cost=plan.cost)
        return project
    if plan.source == "station":
        return recommending.do_recommend_project(round_, data, actor=b.station)
    if plan.source == "deputy":
        return recommending.do_recommend_project(
            round_, data, actor=Actor(person=b.people["deputy"], role="deputy")
        )
    residents = list(Person.objects.filter(username__startswith="resident").order_by("username"))
    resident = b.people["resident"] if index % 2 else residents[(index * 7) % len(residents)]
    return recommending.do_recommend_project(round_, data, actor=Actor(person=resident, role="resident"))


def _round(
    b: Builder,
    summary: DemoProjects,
    plans: tuple[ProjectPlan, ...],
    *,
    year: int,
    start: int,
    marks: tuple[tuple[int, ...], ...],
    seats: int,
) -> Round:
    """One round from creation (`start` days ago) to its published result, then delivery."""
    b.tick(start)
    round_ = rounds.do_create_round(
        rounds.RoundInput(
            unit=b.district, year=year, title=f"{year}年{b.district.name}民生实事项目代表票决", seats=seats
        ),
        actor=b.staff,
    )
    voices = _voices_for(b, b.clock[0])
    projects = []
    for index, plan in enumerate(plans):
        b.tick(start - 2 - index)
        with transaction.atomic():
            projects.append(_recommend(b, round_, plan, index, voices))
    residents = list(Person.objects.filter(username__startswith="resident").order_by("username")[:12])
    for number, resident in enumerate(residents):
        target = projects[number % 3]
        if target.proposer_id != resident.pk:
            recommending.do_second_recommendation(target, actor=Actor(person=resident, role="resident"))
    b.tick(start - 18)
    round_ = rounds.do_start_screening(round_, actor=b.staff)
    for index, (project, plan) in enumerate(zip(projects, plans, strict=True)):
        b.tick(start - 22 - index * 0.5)
        recommending.do_screen_project(
            project,
            recommending.ScreeningInput(
                include=plan.include,
                reason=plan.reason,
                place=plan.place,
                beneficiaries=plan.beneficiaries,
            ),
            actor=b.station,
        )
    b.tick(start - 30)
    round_ = rounds.do_start_consulting(round_, actor=b.staff)
    shortlist = [p for p, plan in zip(projects, plans, strict=True) if plan.include]
    stances = ("support", "support", "conditional", "support")
    for index, project in enumerate(shortlist):
        b.tick(start - 33 - index * 0.3)
        department = b.departments[index % len(b.departments)]
        stance = stances[index % len(stances)]
        text = (
            "同意实施，纳入年度预算统筹安排。"
            if stance == "support"
            else "同意，建议分期实施并做好群众工作。"
        )
        recommending.do_record_opinion(project, department, stance, text, actor=b.staff)
    b.tick(start - 40)
    round_ = rounds.do_shortlist(round_, shortlist, actor=b.staff)
    b.tick(start - 45, hour=9)
    round_ = rounds.do_open_vote(round_, actor=b.staff)
    assert round_.poll is not None
    for deputy, chosen in zip(b.deputies(), marks, strict=False):
        b.tick(start - 45, hour=10)
        do_cast_ballot(
            round_.poll, [str(shortlist[i].pk) for i in chosen], actor=Actor(person=deputy, role="deputy")
        )
    b.tick(start - 45, hour=11)
    round_ = rounds.do_close_vote(round_, actor=b.staff)
    round_ = rounds.do_publish_round(round_, actor=b.staff)
    summary.rounds += 1
    summary.projects += len(projects)
    elected = list(Project.objects.filter(round=round_, status=ProjectStatus.ELECTED).order_by("pk"))
    summary.elected += len(elected)
    finished = year < timezone.localdate(b.now).year
    for index, project in enumerate(elected):
        _deliver(b, summary, project, start - 50 - index, finished=finished, index=index)
    return round_


def _deliver(
    b: Builder, summary: DemoProjects, project: Project, start: float, *, finished: bool, index: int
) -> Delivery:
    """An elected project under supervision: milestones (all done last year; under way this year)."""
    b.tick(start)
    record = delivery.do_open_project_delivery(project, actor=b.staff)
    summary.deliveries += 1
    day = timezone.localdate()
    spans = (20, 30, 150, 20) if finished else (15, 20, 120, 20)
    milestones = []
    for (title, weight), span in zip(MILESTONES, spans, strict=True):
        milestones.append(
            delivery.do_add_milestone(
                record,
                delivery.MilestoneInput(title, day, day + dt.timedelta(days=span), weight=weight),
                actor=b.staff,
            )
        )
        day += dt.timedelta(days=span)
    elapsed = 0
    for number, (milestone, span) in enumerate(zip(milestones, spans, strict=True)):
        elapsed += span
        if not finished and start - elapsed < 5:
            # Under way now: some progress reported, the rest still to come.
            b.tick(max(start - elapsed + span // 2, 2))
            percent = min(95, 30 + 15 * index + 10 * number)
            delivery.do_report_progress(milestone, percent, note="按计划推进", actor=b.staff)
            delivery.do_add_photo(record, png_file("site.png", (90 + 30 * index, 140, 90)), actor=b.staff)
            break
        b.tick(start - elapsed)
        delivery.do_complete_milestone(milestone, actual_end=timezone.localdate(), actor=b.staff)
        if number == 1:
            _pay(b, summary, record, Decimal("0.3"), "预付款（合同价款的30%）", index)
        if number == 2:
            delivery.do_add_photo(record, png_file("site.png", (90 + 30 * index, 140, 90)), actor=b.staff)
    if finished:
        _pay(b, summary, record, Decimal("0.6"), "进度款及结算款", index)
    if not finished and index == 0:
        b.tick(6, hour=15)
        deputy = b.people["deputy"]
        delivery.do_file_problem(
            record,
            "施工围挡占用人行道，夜间施工噪音大，附近居民反映强烈，请督促施工单位文明施工。",
            actor=Actor(person=deputy, role="deputy"),
        )
        summary.problems += 1
    return record


def _pay(
    b: Builder, summary: DemoProjects, record: Delivery, share: Decimal, purpose: str, index: int
) -> None:
    amount = (record.budget * share).quantize(Decimal("0.01"))
    delivery.do_record_payment(
        record,
        delivery.PaymentInput(
            amount=amount, paid_on=timezone.localdate(), payee=PAYEES[index % len(PAYEES)], purpose=purpose
        ),
        document=pdf_file(f"voucher-{record.pk}-{summary.payments + 1}.pdf", f"payment {amount}"),
        actor=b.staff,
    )
    summary.payments += 1


def _fund(b: Builder, summary: DemoProjects, year: int) -> None:
    """P6: deputies' suggestions verified on site, screened by principles, decided by the chair meeting."""
    category = Category.objects.filter(code="roads").first() or Category.objects.first()
    assert category is not None
    # District-level (county) deputies: their suggestions are assigned by the district to its departments.
    deputies = [p for p in b.deputies() if _county_deputy(p)]
    b.tick(150)
    fund = fund_actions.do_create_fund(
        b.district,
        year=year,
        title=f"{year}年{b.district.name}代表建议办理专项资金",
        total="2000000",
        actor=b.staff,
    )
    townships = list(
        Unit.objects.filter(kind=UnitKind.TOWNSHIP, path__startswith=b.district.path).order_by("path")
    )
    items = []
    rural = [t for t in townships if t.name.endswith(("镇", "乡"))] or townships
    urban = [t for t in townships if t not in rural] or townships
    for number, (title, content, cost, is_rural) in enumerate(SUGGESTIONS):
        b.tick(140 - number * 3)
        proposer = deputies[number % len(deputies)]
        choices = rural if is_rural else urban
        township = choices[number % len(choices)]
        title, content = title.format(t=township.name), content.format(t=township.name)
        voice = do_file_suggestion(
            SuggestionInput(
                kind="deputy_suggestion",
                title=title,
                content=content,
                category=category,
                area="urban",
                term="第十八届",
                session="第五次会议",
                unit=township,
            ),
            actor=Actor(person=proposer, role="deputy"),
        )
        b.tick(138 - number * 3)
        suggestions.do_assign_suggestion(voice, b.departments[0], actor=b.staff, due_days=90)
        b.tick(110 - number * 2)
        items.append(
            fund_actions.do_verify_candidate(
                fund,
                voice,
                fund_actions.VerificationInput(
                    title=title.removeprefix("关于").removesuffix("的建议"),
                    cost=cost,
                    group=f"{township.name}调研组",
                    verified_on=timezone.localdate(),
                    finding="经实地核查，问题属实，群众需求迫切，具备年内实施条件。",
                ),
                actor=b.staff,
            )
        )
    b.tick(95)
    scores = ((90, 85, 80), (85, 90, 75), (80, 80, 85), (60, 70, 70), (75, 50, 60))
    for item, (livelihood, within_year, fairness) in zip(items, scores, strict=True):
        fund_actions.do_screen_item(
            item,
            livelihood=livelihood,
            within_year=within_year,
            fairness=fairness,
            note="符合专项资金使用原则",
            actor=b.staff,
        )
    b.tick(88)
    fund_actions.do_decide_fund(
        fund,
        items[:3],
        note="主任会议研究，确定前3个项目列入本年度专项资金，其余转有关部门统筹。",
        actor=b.staff,
    )
    summary.fund_items = len(items)
    for index, item in enumerate(items):
        _answer_suggestion(b, item.voice, chosen=index < 3, index=index)
    for index, item in enumerate(items[:3]):
        record = delivery.delivery_of(item)
        assert record is not None
        _fund_works(b, record, index)


def _county_deputy(person: Person) -> bool:
    record = suggestions.current_record(person, DeputyBody.NPC)
    return record is not None and record.level == DeputyLevel.COUNTY


def _answer_suggestion(b: Builder, voice: Voice, *, chosen: bool, index: int) -> None:
    """The department meets the deputy (面商), replies, the deputy rates it and the office closes it."""
    handler = Actor(person=b.people["handler"], role="department_handler", unit=b.departments[0])
    b.tick(82 - index, hour=15)
    suggestions.do_record_consultation(
        voice,
        suggestions.ConsultationInput(
            held_at=timezone.now(),
            place=f"{b.departments[0].name}会议室",
            department_attendees="分管副局长、项目科负责人",
            notes="通报核查和筛选情况，听取代表意见。",
        ),
        actor=handler,
    )
    b.tick(80 - index)
    reply = (
        "该建议已列入本年度代表建议办理专项资金，正在组织实施，完工后将请代表参加验收。"
        if chosen
        else "该建议经主任会议研究暂未列入本年度专项资金，已转有关部门统筹安排，明年优先考虑。"
    )
    suggestions.do_reply_suggestion(
        voice, actor=handler, reply=reply, resolution="resolved" if chosen else "answered"
    )
    b.tick(72 - index)
    proposer = voice.submitter
    assert proposer is not None
    suggestions.do_rate_suggestion(
        voice, actor=Actor(person=proposer, role="deputy"), satisfaction="satisfied" if chosen else "basic"
    )
    b.tick(65 - index)
    suggestions.do_close_suggestion(voice, actor=b.staff)


def _fund_works(b: Builder, record: Delivery, index: int) -> None:
    """A chosen fund item under way: designed, being built with some progress."""
    b.tick(85 - index)
    day = timezone.localdate()
    design = delivery.do_add_milestone(
        record, delivery.MilestoneInput("方案设计", day, day + dt.timedelta(days=20)), actor=b.staff
    )
    works = delivery.do_add_milestone(
        record,
        delivery.MilestoneInput(
            "施工建设", day + dt.timedelta(days=20), day + dt.timedelta(days=140), weight=3
        ),
        actor=b.staff,
    )
    b.tick(65 - index)
    delivery.do_complete_milestone(design, actual_end=timezone.localdate(), actor=b.staff)
    b.tick(10 + index)
    delivery.do_report_progress(works, 40 - 10 * index, note="施工中", actor=b.staff)
