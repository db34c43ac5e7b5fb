"""Demo deliberation for 示范市: the first community's 居民议事厅 with members, a term and its democratic
recommendation; its monthly regular meetings (the 15th) of the past year with attendance and minutes;
topics in every step of the five-step procedure (invalid with a published reason, reviewed with a plan,
resolved by a real council vote, carried out with progress, closed at a feedback meeting), one topic made
from a demo voice; a consultation plan with a hearing (D5) and a deputies' Q&A session (D6).

Everything goes through the actions under a simulated clock (as `minyi.voices.demo`), so the record,
the boards and the deadlines look like a year of work. The same seed gives the same data. Call after
`build_demo` and `build_demo_voices`; it does nothing when the council already exists.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actors import Actor
from minyi.core.calendar import local_tz
from minyi.core.demo import names
from minyi.core.demo.build import (
    DEMO_SEED,
    FIRST_COMMUNITY,
    FIRST_COUNCIL,
    FIRST_HOUSING_BUREAU,
    FIRST_TOWNSHIP,
)
from minyi.core.models import Person, Unit
from minyi.deliberation.actions import consultation, hearings, inquiries, meetings, polls, topics
from minyi.deliberation.actions.councils import (
    CouncilInput,
    RecommendationInput,
    do_add_member,
    do_add_term,
    do_create_council,
    do_record_recommendation,
)
from minyi.deliberation.demo_data import MINUTES, OTHER_MEMBER_TYPES, RESIDENT_TOPIC, TOPICS, TopicPlan
from minyi.deliberation.models import (
    Council,
    Meeting,
    MeetingKind,
    MemberType,
    RecommendationMethod,
    SignInMethod,
    Topic,
)
from minyi.voices.demo import simulated_clock
from minyi.voices.models import Voice

COUNCIL_MEMBERS = 15
MONTHS_BACK = 11  # regular meetings held in the past months
MONTHS_AHEAD = 2  # and the next ones, still planned

@dataclass
class DemoDeliberation:
    councils: int = 0
    members: int = 0
    meetings: int = 0
    held: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    polls: int = 0
    hearings: int = 0
    sessions: int = 0


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}-deliberation")
        self.now = timezone.now()
        codes = [FIRST_COMMUNITY, FIRST_COUNCIL, FIRST_TOWNSHIP, FIRST_HOUSING_BUREAU]
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        self.community, self.council_unit = units[FIRST_COMMUNITY], units[FIRST_COUNCIL]
        self.township, self.bureau = units[FIRST_TOWNSHIP], units[FIRST_HOUSING_BUREAU]
        self.accounts = {p.username: p for p in Person.objects.filter(username__in=self._account_names())}
        self.staff = Actor(person=self.accounts["community"], role="community_staff", unit=self.community)
        self.queue: list[tuple[dt.datetime, int, Callable[[], object]]] = []
        self.order = 0

    @staticmethod
    def _account_names() -> list[str]:
        return ["community", "council", "deputy", "cppcc", "resident", "township", "handler", "deputy01"]

    def at(self, moment: dt.datetime, step: Callable[[], object]) -> None:
        """Queue a step for its moment; steps run in time order (ties in the order queued)."""
        self.order += 1
        heapq.heappush(self.queue, (moment, self.order, step))

    def run(self, clock: list[dt.datetime]) -> None:
        """Run the queued steps in time order; a step may queue later ones. Future steps are skipped."""
        heapq.heapify(self.queue)
        while self.queue:
            moment, _order, step = heapq.heappop(self.queue)
            if moment >= self.now:
                continue  # not yet happened
            clock[0] = moment
            with transaction.atomic():
                step()


def _month_add(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _meeting_time(year: int, month: int) -> dt.datetime:
    """The regular meeting of the month: the configured day (shifted past holidays if so configured)."""
    hour, minute = (int(part) for part in settings.MINYI_COUNCIL_MEETING_TIME.split(":"))
    day = meetings.regular_meeting_day(year, month)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local_tz())


def build_demo_deliberation(seed: int = DEMO_SEED) -> DemoDeliberation:
    """Build the demo council and its year; does nothing when a council already exists (run it once)."""
    if Council.objects.exists():
        return DemoDeliberation()
    b = _Builder(seed)
    summary = DemoDeliberation()
    today = timezone.localdate(b.now)
    year, month = _month_add(today, -MONTHS_BACK - 1)
    founded = dt.datetime.combine(dt.date(year, month, 20), dt.time(10, 0), tzinfo=local_tz())
    clock = [founded]
    with simulated_clock(clock):
        with transaction.atomic():
            council, people = _found_council(b, summary, founded.date())
        schedule = [_meeting_time(*_month_add(today, k)) for k in range(-MONTHS_BACK, MONTHS_AHEAD + 1)]
        regular = [_schedule(b, council, at) for at in schedule if at > founded]
        summary.meetings = len(regular)
        held = [m for m in regular if m.starts_at < b.now - dt.timedelta(hours=3)]
        planned = [m for m in regular if m not in held]
        votes: dict[int, list[tuple[list[Topic], TopicPlan]]] = {m.pk: [] for m in regular}
        _plan_topics(b, council, people, held, planned, votes)
        for meeting in held:
            _hold(b, meeting, people, votes[meeting.pk])
        b.run(clock)
        summary.held = len(held)
        clock[0] = b.now - dt.timedelta(minutes=5)
        _consultation_and_inquiry(b, summary, today)
    for topic in Topic.objects.filter(council=council):
        state = topics.topic_state(topic)
        summary.topics[state] = summary.topics.get(state, 0) + 1
    summary.polls = Topic.objects.filter(council=council).exclude(poll=None).count()
    return summary


def _found_council(b: _Builder, summary: DemoDeliberation, founded: dt.date) -> tuple[Council, list[Person]]:
    system = Actor.system()
    council = do_create_council(
        CouncilInput(unit=b.council_unit, name=b.community.name + "居民议事厅"), actor=system
    )
    term = do_add_term(
        council, number=1, starts_on=founded, ends_on=founded.replace(year=founded.year + 3), actor=system
    )
    recommendation = do_record_recommendation(
        council,
        RecommendationInput(
            term=term,
            held_on=founded,
            method=RecommendationMethod.REPRESENTATIVES,
            voters=86,
            note="社区居民代表会议推选，党组织、驻区单位和社会组织推荐代表参加。",
        ),
        actor=system,
    )
    members: list[tuple[Person, MemberType]] = [
        (b.accounts["council"], MemberType.RESIDENT),
        (b.accounts["deputy"], MemberType.DEPUTY),
        (b.accounts["cppcc"], MemberType.CPPCC),
    ]
    for number, member_type in enumerate(OTHER_MEMBER_TYPES, start=1):
        person = do_create_person(
            PersonInput(
                username=f"member{number:02d}",
                name=names.person_name(b.rng),
                phone=names.mobile_number(b.rng),
                home_unit=b.community,
            ),
            actor=system,
        )
        members.append((person, member_type))
    for person, member_type in members[:COUNCIL_MEMBERS]:
        do_add_member(
            council,
            person,
            member_type=member_type,
            term=term,
            recommendation=recommendation,
            votes=b.rng.randint(52, 84),
            actor=system,
        )
    summary.councils, summary.members = 1, len(members[:COUNCIL_MEMBERS])
    return council, [p for p, _t in members[:COUNCIL_MEMBERS]]


def _schedule(b: _Builder, council: Council, at: dt.datetime) -> Meeting:
    local = timezone.localtime(at)
    return meetings.do_schedule_meeting(
        council,
        meetings.MeetingInput(
            title=f"{council.name}{local.year}年{local.month}月例会",
            starts_at=at,
            kind=MeetingKind.REGULAR,
            place=b.community.name + "党群服务中心议事室",
        ),
        actor=b.staff,
    )


def _plan_topics(
    b: _Builder,
    council: Council,
    people: list[Person],
    held: list[Meeting],
    planned: list[Meeting],
    votes: dict[int, list[tuple[list[Topic], TopicPlan]]],
) -> None:
    """Queue each topic's steps: proposed weeks before its meeting, consulted, reviewed, on the agenda."""
    for index, spec in enumerate(TOPICS):
        if spec.meetings_ago:
            vote_meeting: Meeting | None = held[-spec.meetings_ago]
        elif spec.target == "resolving" and planned:
            vote_meeting = planned[0]
        else:
            vote_meeting = None
        # Unvoted topics: proposed in the last fortnight, reviewed ones a little earlier.
        anchor = {
            "proposed": b.now + dt.timedelta(days=14),
            "reviewing": b.now,
            "invalid": b.now - dt.timedelta(days=20),
            "resolving": b.now - dt.timedelta(days=1),
        }.get(spec.target, vote_meeting.starts_at if vote_meeting is not None else b.now)
        proposer = people[3 + index % (len(people) - 3)] if index % 3 else b.accounts["council"]
        holder: list[Topic] = []
        b.at(anchor - dt.timedelta(days=24, hours=-index), _propose(b, council, spec, proposer, holder))
        if spec.target == "proposed":
            continue
        if spec.target == "invalid":
            b.at(anchor - dt.timedelta(days=17), partial(_mark_invalid, b, holder, spec.reason))
            continue
        b.at(anchor - dt.timedelta(days=17), partial(_mark_valid, b, holder))
        if spec.target == "reviewing":
            continue
        b.at(anchor - dt.timedelta(days=8), partial(_adopt_plan, b, holder, spec))
        if vote_meeting is not None:
            meeting = vote_meeting
            b.at(anchor - dt.timedelta(days=3), partial(_agenda, b, meeting, holder))
            votes[meeting.pk].append((holder, spec))
    _voice_topic(b, council)
    proposer = b.accounts["resident"]

    def resident_topic() -> None:
        data = topics.TopicInput(RESIDENT_TOPIC.title, RESIDENT_TOPIC.description, RESIDENT_TOPIC.area)
        topics.do_submit_resident_topic(council, data, actor=Actor(person=proposer, role="resident"))

    b.at(b.now - dt.timedelta(days=4, hours=3), resident_topic)


def _propose(
    b: _Builder, council: Council, spec: TopicPlan, proposer: Person, holder: list[Topic]
) -> Callable[[], None]:
    def step() -> None:
        data = topics.TopicInput(title=spec.title, description=spec.description, area=spec.area)
        holder.append(
            topics.do_propose_topic(council, data, actor=Actor(person=proposer, role="council_member"))
        )

    return step


def _mark_valid(b: _Builder, holder: list[Topic]) -> None:
    topics.do_mark_valid(
        holder[0], actor=b.staff, reason="经社区“两委”商议，属于居民议事范围，列为有效议题。"
    )


def _mark_invalid(b: _Builder, holder: list[Topic], reason: str) -> None:
    topics.do_mark_invalid(holder[0], reason=reason, actor=b.staff)


def _adopt_plan(b: _Builder, holder: list[Topic], spec: TopicPlan) -> None:
    start = timezone.localdate() + dt.timedelta(days=14)
    topics.do_adopt_plan(
        holder[0],
        topics.PlanInput(
            feasibility="经居民代表大会审议，项目必要、可行，资金来源明确。",
            plan=spec.plan,
            budget=spec.budget,
            staffing="社区“两委”1人牵头，物业2人配合，居民代表2人监督",
            starts_on=start,
            ends_on=start + dt.timedelta(days=75),
        ),
        actor=b.staff,
    )


def _agenda(b: _Builder, meeting: Meeting, holder: list[Topic]) -> None:
    meetings.do_add_to_agenda(meeting, holder[0], actor=b.staff)


def _voice_topic(b: _Builder, council: Council) -> None:
    """A voice from the first community becomes a topic (one filed at least six weeks ago)."""
    cutoff = b.now - dt.timedelta(days=42)
    voice = (
        Voice.objects.filter(unit__path__startswith=b.community.path, created_at__lt=cutoff)
        .order_by("-created_at", "pk")
        .first()
    )
    if voice is None:
        return
    holder: list[Topic] = []

    def make() -> None:
        holder.append(topics.do_topic_from_voice(voice, council=council, area="daily_life", actor=b.staff))

    b.at(voice.created_at + dt.timedelta(days=9), make)
    b.at(voice.created_at + dt.timedelta(days=16), partial(_mark_valid, b, holder))


def _hold(
    b: _Builder, meeting: Meeting, people: list[Person], agenda: list[tuple[list[Topic], TopicPlan]]
) -> None:
    """A held meeting: opened, members sign in, the topics on its agenda are voted, minutes, closed."""
    rng = b.rng
    start = meeting.starts_at
    always = people[:2]  # the `council` and `deputy` demo accounts attend every meeting
    others = people[2:]
    present = always + rng.sample(others, rng.randint(len(others) - 4, len(others)))
    absent = [p for p in people if p not in present]

    def open_and_sign_in() -> None:
        meetings.do_open_meeting(meeting, actor=b.staff)
        for person in present:
            meetings.do_sign_in(meeting, person, method=SignInMethod.STAFF, actor=b.staff)

    b.at(start, open_and_sign_in)
    for number, (holder, spec) in enumerate(agenda):
        moment = start + dt.timedelta(minutes=30 + 25 * number)
        ballots = _ballots(rng, present, spec.target == "failed")
        b.at(moment, partial(_vote, b, meeting, holder, spec, ballots))
    minutes = rng.choice(MINUTES)
    if absent:
        minutes += f"应到{len(people)}人，实到{len(present)}人。"

    def close() -> None:
        meetings.do_record_minutes(meeting, minutes, actor=b.staff)
        meetings.do_close_meeting(meeting, actor=b.staff)

    b.at(start + dt.timedelta(hours=2), close)


def _ballots(rng: random.Random, present: list[Person], fails: bool) -> list[tuple[Person, str]]:
    """A clear outcome: a passed topic has one or two against or abstaining, a failed one a few for."""
    order = rng.sample(present, len(present))
    dissent = rng.randint(1, 2)
    choices = ["yes"] * 3 + ["no"] * (len(order) - 4) + ["abstain"] if fails else ["no", "abstain"][:dissent]
    if not fails:
        choices += ["yes"] * (len(order) - len(choices))
    return list(zip(order, choices, strict=True))


def _vote(
    b: _Builder, meeting: Meeting, holder: list[Topic], spec: TopicPlan, ballots: list[tuple[Person, str]]
) -> None:
    topic = holder[0]
    meeting = Meeting.objects.select_related("council__unit").get(pk=meeting.pk)  # opened since queued
    poll = polls.do_open_topic_poll(topic, meeting, actor=b.staff)
    for person, choice in ballots:
        do_cast_ballot(poll, choice, actor=Actor(person=person, role="council_member"))
    polls.do_close_topic_poll(topic, actor=b.staff)
    voted = timezone.localdate()
    deadline = voted + dt.timedelta(days=120)
    topic = polls.do_resolve_topic(
        topic, responsible=b.accounts["community"], deadline=deadline, actor=b.staff
    )
    if spec.target not in ("publicising", "closed"):
        return
    for number, text in enumerate(spec.progress, start=1):
        b.at(
            timezone.now() + dt.timedelta(days=12 * number, hours=5),
            partial(topics.do_report_progress, topic, text, actor=b.staff),
        )
    if spec.target == "closed":
        b.at(timezone.now() + dt.timedelta(days=50), partial(_feedback, b, topic, spec))


def _feedback(b: _Builder, topic: Topic, spec: TopicPlan) -> None:
    """The feedback meeting (议案办理反馈会) reports the result to residents; the topic closes."""
    council = topic.council
    meeting = meetings.do_schedule_meeting(
        council,
        meetings.MeetingInput(
            title=f"“{topic.title}”办理情况反馈会",
            starts_at=timezone.now(),
            kind=MeetingKind.FEEDBACK,
            place=b.community.name + "党群服务中心",
        ),
        actor=b.staff,
    )
    meetings.do_open_meeting(meeting, actor=b.staff)
    for person in sorted(meetings.active_members(council), key=lambda p: p.pk)[:9]:
        meetings.do_sign_in(meeting, person, method=SignInMethod.STAFF, actor=b.staff)
    topics.do_close_topic(topic, feedback=spec.feedback, meeting=meeting, actor=b.staff)
    meetings.do_record_minutes(
        meeting, f"社区“两委”通报“{topic.title}”办理情况，到会居民代表表示满意。", actor=b.staff
    )
    meetings.do_close_meeting(meeting, actor=b.staff)


def _consultation_and_inquiry(b: _Builder, summary: DemoDeliberation, today: dt.date) -> None:
    """D5: the township's consultation plan with a hearing; D6: a deputies' Q&A session, published."""
    township = Actor(person=b.accounts["township"], role="township_staff", unit=b.township)
    with transaction.atomic():
        plan = consultation.do_create_plan(
            b.township, year=today.year, title=f"{b.township.name}{today.year}年度协商计划", actor=township
        )
        done = consultation.do_add_item(
            plan,
            consultation.ItemInput(
                title="老旧小区改造项目征求居民意见",
                channel="grassroots",
                form="symposium",
                organiser=b.township,
                starts_on=dt.date(today.year, 1, 1)
                + dt.timedelta(days=min(120, today.timetuple().tm_yday - 1)),
                participants="居民代表、物业公司、区住建局",
            ),
            actor=township,
        )
        item = consultation.do_add_item(
            plan,
            consultation.ItemInput(
                title=b.community.name + "停车位改造方案听证",
                channel="grassroots",
                form="meeting",
                organiser=b.community,
                starts_on=today,
                participants="居民、业主委员会、物业公司",
            ),
            actor=township,
        )
        consultation.do_publish_plan(plan, actor=township)
        consultation.do_update_item_status(
            done,
            status="done",
            outcome="收集意见42条，采纳加装扶手、增设休闲座椅等17条，纳入改造方案。",
            actor=township,
        )
        held_at = dt.datetime.combine(today + dt.timedelta(days=12), dt.time(14, 30), tzinfo=local_tz())
        hearing = hearings.do_create_hearing(
            b.community,
            hearings.HearingInput(
                title=b.community.name + "停车位改造方案听证会",
                matter="拟将小区北侧闲置场地改建为停车位60个，实行错时停车，收费标准每月120元。",
                held_at=held_at,
                apply_until=today + dt.timedelta(days=7),
                seats=6,
                place=b.community.name + "党群服务中心",
                item=item,
            ),
            actor=b.staff,
        )
        for username, stance in (
            ("resident", "支持改建，但收费应低于周边小区。"),
            ("member01", "建议保留部分绿地。"),
        ):
            person = Person.objects.get(username=username)
            hearings.do_apply_to_speak(hearing, stance, actor=Actor(person=person))
        summary.hearings = 1
        _qa_session(b, township, today)
        summary.sessions = 1


def _qa_session(b: _Builder, township: Actor, today: dt.date) -> None:
    held = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(9, 30), tzinfo=local_tz())
    session = inquiries.do_create_session(
        b.township,
        inquiries.SessionInput(
            kind="qa",
            title=f"{b.township.name}代表问政会：老旧小区改造",
            subject="老旧小区改造的进度、资金和居民参与",
            held_at=held,
            place=b.township.name + "人大代表联络站",
        ),
        actor=township,
    )
    official = b.accounts["handler"]
    qa = (
        (
            b.accounts["deputy"],
            "今年列入改造的老旧小区有几个？加装电梯的补贴什么时候到位？",
            "今年街道共有4个小区列入改造，已完工2个；加装电梯补贴在验收后30日内拨付。",
        ),
        (
            b.accounts.get("deputy01", b.accounts["deputy"]),
            "改造施工期间居民出行不便，如何保障老人和残疾人出行？",
            "施工单位须设置临时无障碍通道，社区安排志愿者为行动不便的老人提供帮助。",
        ),
    )
    for asker, question, answer in qa:
        q = inquiries.do_record_question(session, asker, question, actor=township)
        inquiries.do_record_answer(
            q, official, office="区住房和城乡建设局副局长", office_unit=b.bureau, text=answer, actor=township
        )
    inquiries.do_publish_session(session, actor=township)
