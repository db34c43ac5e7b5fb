"""Demo voices for 示范市: about 300 items over the past year, across channels, categories and units,
created through the intake actions and moved along the `voice` process with the handling actions.

The clock is simulated: each item is created and handled at its own moment in the past (Django's
`timezone.now` is patched while the item is built), so events, deadlines, overdue items, rates and
boards look like a year of real work. The same seed gives the same items. Call after `build_demo`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from django.db import transaction
from django.utils import timezone

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.demo import names
from minyi.core.demo.build import DEMO_ACCOUNTS, DEMO_SEED
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.models.units import UnitKind
from minyi.voices.actions import handling, transparency
from minyi.voices.actions.categories import ensure_default_categories
from minyi.voices.actions.intake import VoiceInput, do_register_voice, do_submit_voice, register_actor
from minyi.voices.actions.intake_followup import collected_followups
from minyi.voices.models import Voice

DEMO_VOICES = 300
DAYS_BACK = 365
# Only items this recent may still be waiting to be accepted: an office accepts (or the sweep escalates)
# anything older, so the demo's inboxes show a few days overdue at most, not months.
UNACCEPTED_WITHIN = dt.timedelta(days=6)
# Of the answered items whose submitter agreed to publication, this many tenths go on the publicity board.
PUBLISHED_TENTHS = 7

# (channel, weight); resident channels first.
CHANNEL_WEIGHTS = (
    ("web", 22),
    ("mobile", 26),
    ("photo", 5),
    ("hotline", 20),
    ("mailbox", 5),
    ("letter", 3),
    ("visit", 7),
    ("reception", 6),
    ("courier", 6),
)
RESIDENT_CHANNELS = {"web", "mobile", "photo"}

# Per category: (title, content). "{place}" is filled with a place in the item's community.
TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "roads": (
        ("路面坑洼积水", "{place}路面坑洼，下雨天积水严重，电动车经过容易摔倒，希望尽快修补。"),
        ("井盖缺失", "{place}有一个井盖缺失，只用树枝挡着，晚上很危险，请尽快处理。"),
        ("人行道被占用", "{place}人行道长期被商铺摆放货物占用，行人只能走机动车道。"),
    ),
    "street-lighting": (
        ("路灯不亮", "{place}的路灯已经坏了一个多月，晚上一片漆黑，老人孩子出行不安全。"),
        ("路灯亮灯时间太晚", "{place}路灯晚上八点后才亮，冬天六点天就黑了，建议调整亮灯时间。"),
    ),
    "sanitation": (
        ("垃圾清运不及时", "{place}的垃圾桶连续几天没有清运，气味很大，夏天蚊蝇多。"),
        ("公厕卫生差", "{place}附近公厕长期无人打扫，洗手池也坏了，希望加强管理。"),
        ("建筑垃圾乱倒", "有人夜间在{place}倾倒装修垃圾，已经堆成小山，请查处并清运。"),
    ),
    "property": (
        ("电梯经常故障", "{place}电梯一个月坏了三次，物业维修拖拉，楼上老人下不了楼。"),
        ("物业不作为", "{place}绿化带杂草丛生，门禁损坏半年，物业费照收服务不到位。"),
        ("维修资金使用不透明", "小区{place}外墙维修动用了维修资金，业主不清楚具体金额和用途，希望公开。"),
    ),
    "noise": (
        ("夜间施工噪音", "{place}附近工地晚上十一点后还在施工，噪音很大，影响休息。"),
        ("广场舞音响太大", "{place}每天晚上广场舞音响声音过大，希望协调降低音量、缩短时间。"),
        ("商铺噪声扰民", "{place}的烧烤店营业到凌晨，排风和喧哗声很吵。"),
    ),
    "parking": (
        ("乱停车堵消防通道", "{place}消防通道经常被私家车占用，万一发生火灾后果严重。"),
        ("停车位不足", "{place}周边停车位太少，晚上车辆只能停在路边，建议规划增设车位。"),
    ),
    "elderly-care": (
        ("希望开设老年食堂", "{place}老年人多，子女白天上班，希望社区开设老年食堂或助餐点。"),
        ("适老化改造", "{place}楼道没有扶手，台阶多，老人上下楼困难，希望进行适老化改造。"),
    ),
    "education": (
        ("上学路上不安全", "{place}学校门口上下学时段车辆拥堵，没有交警或志愿者疏导。"),
        ("托育点太少", "{place}附近没有普惠托育点，双职工家庭带孩子很困难。"),
    ),
    "healthcare": (
        ("社区卫生服务中心排队久", "{place}社区卫生服务中心只有一个医生坐诊，排队要两个小时。"),
        ("希望增设家庭医生", "{place}的慢病老人多，希望家庭医生能定期上门随访。"),
    ),
    "social-security": (
        ("养老金认证困难", "{place}有些老人不会用手机做养老金资格认证，希望社区提供帮助。"),
        ("低保申请咨询", "家住{place}，家里有重病患者，想了解低保申请条件和办理流程。"),
    ),
    "market": (
        ("超市售卖过期食品", "在{place}附近超市买到过期酸奶，商家拒绝退换，请市场监管部门查处。"),
        ("菜市场缺斤少两", "{place}菜市场有摊贩秤不准，买两斤只有一斤七两。"),
    ),
    "housing": (
        ("老旧小区改造", "{place}是上世纪九十年代的老小区，管网老化、外墙脱落，希望纳入老旧小区改造。"),
        ("加装电梯", "{place}多数住户同意加装电梯，希望街道协调低层住户并指导申请补贴。"),
    ),
    "environment": (
        ("餐饮油烟扰民", "{place}楼下餐馆油烟直排，住户不敢开窗，请督促安装净化设备。"),
        ("河道有异味", "{place}旁边的小河沟发黑发臭，怀疑有污水直排。"),
    ),
    "public-security": (
        ("电动车楼道充电", "{place}有住户把电动车推进楼道充电，存在火灾隐患。"),
        ("监控探头损坏", "{place}几个监控探头坏了，最近发生了几起电动车被盗。"),
    ),
    "utilities": (
        ("频繁停水", "{place}这个月已经停水三次，事先没有通知，影响生活。"),
        ("水压太低", "{place}高楼层水压不足，白天基本用不上热水器。"),
    ),
    "other": (
        ("建议增设休闲座椅", "{place}附近散步的人多，建议增设几张休闲座椅。"),
        ("宠物狗不拴绳", "{place}经常有人遛狗不拴绳，孩子被吓到，希望加强文明养犬宣传。"),
    ),
}
PLACES = (
    "3栋门口",
    "小区北门",
    "菜市场东侧路口",
    "幼儿园旁",
    "公交站台",
    "5号楼楼道",
    "停车场入口",
    "中心广场",
    "文化活动中心",
    "老年活动室旁",
    "主干道与支路交叉口",
    "河滨步道",
)
REPLIES = (
    "经现场核实，已安排人员处理完毕，感谢您的反映。",
    "已协调相关单位，问题已于本周解决，后续将加强巡查。",
    "您反映的问题已纳入年度计划，预计下季度实施，届时将在社区公示。",
    "经核查，该事项属于物业服务合同约定范围，已督促物业公司限期整改。",
)
COMMENTS = ("处理及时，谢谢。", "问题解决了，很满意。", "基本解决，希望保持。", "答复了但问题还在。", "")
REASONS = ("需街道协调多个部门", "涉及资金和规划，社区无权处理", "跨社区事项，需上级统筹")


@dataclass
class DemoVoices:
    created: int = 0
    closed: int = 0
    open: int = 0


@contextmanager
def simulated_clock(moment: list[dt.datetime]) -> Iterator[None]:
    """While active, Django's `timezone.now()` answers `moment[0]` (events, rows, deadlines alike)."""
    with mock.patch("django.utils.timezone.now", lambda: moment[0]):
        yield


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = timezone.now()
        accounts = {a.username: a for a in DEMO_ACCOUNTS}
        people = {p.username: p for p in Person.objects.filter(username__in=list(accounts))}
        self.accounts = people
        self.residents = list(Person.objects.filter(username__startswith="resident").order_by("username"))
        units = Unit.objects.filter(kind__in=[UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.TOWNSHIP]).order_by(
            "path"
        )
        self.communities = [u for u in units if u.kind == UnitKind.COMMUNITY]
        self.townships = {u.path: u for u in units if u.kind == UnitKind.TOWNSHIP}
        self.grids = [u for u in units if u.kind == UnitKind.GRID]
        self.districts = {u.path: u for u in Unit.objects.filter(kind=UnitKind.DISTRICT)}
        self.departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path"))
        codes = {a.username: a.unit_code for a in DEMO_ACCOUNTS}
        by_code = {u.code: u for u in Unit.objects.filter(code__in=list(codes.values()))}
        self.account_units = {name: by_code[code] for name, code in codes.items() if code in by_code}

    def pick_unit(self) -> Unit:
        # The first township (where the demo staff work) gets a larger share, so their inboxes are busy.
        first = self.communities[:5]
        if self.rng.random() < 0.35:
            return self.rng.choice(first + self.grids)
        return self.rng.choice(self.communities)

    def moment(self) -> dt.datetime:
        # More recent months are busier (a platform being adopted).
        days = int(DAYS_BACK * (1 - self.rng.random() ** 0.7))
        base = timezone.localtime(self.now - dt.timedelta(days=days))
        return base.replace(
            hour=self.rng.randint(8, 20), minute=self.rng.randint(0, 59), second=0, microsecond=0
        )

    def township_of(self, unit: Unit) -> Unit:
        return self.townships[unit.path[: 3 * Unit.steplen]]

    def district_of(self, unit: Unit) -> Unit:
        return self.districts[unit.path[: 2 * Unit.steplen]]

    def office(self, role: str, unit: Unit, account: str) -> Actor:
        """The demo account when its grant reaches the unit, else the office itself (no named person)."""
        person = self.accounts.get(account)
        grant_unit = self.account_units.get(account)
        if person is not None and grant_unit is not None and unit.path.startswith(grant_unit.path):
            return Actor(person=person, role=role, unit=grant_unit)
        return Actor(person=None, role=role, unit=unit)

    def reach(self, account: str) -> str:
        path = self.account_units[account].path
        # A station's staff register for the township the station serves.
        return path[: -Unit.steplen] if account == "station" else path


def build_demo_voices(seed: int = DEMO_SEED, count: int = DEMO_VOICES) -> DemoVoices:
    """Create `count` demo items; does nothing when the database already holds voices (run it once)."""
    if Voice.objects.exists():
        return DemoVoices()
    system = Actor.system()
    ensure_default_channels(actor=system)
    ensure_default_categories(actor=system)
    b = _Builder(seed)
    plans = sorted(((b.moment(), index) for index in range(count)), key=lambda plan: plan[0])
    summary = DemoVoices()
    clock = [b.now]
    # Each item is indexed and announced to its office at once, before the simulation moves it on
    # (what the intake follow-up task does seconds after a real submission).
    with simulated_clock(clock), collected_followups() as followups:
        for at, index in plans:
            clock[0] = at
            with transaction.atomic():
                voice, instance = _create(b, index, seed)
                if voice is None or instance is None:
                    continue
                followups.flush()
                summary.created += 1
                _handle(b, voice, clock)
                if handling.instance_for(voice).is_final:
                    summary.closed += 1
                else:
                    summary.open += 1
    return summary


def _create(b: _Builder, index: int, seed: int) -> tuple[Voice | None, ProcessInstance | None]:
    # One generator per item, so a change in how one item is handled never reshuffles the others.
    b.rng = rng = random.Random(f"{seed}-{index}")
    category = rng.choice(list(TEMPLATES))
    title, content = rng.choice(TEMPLATES[category])
    unit = b.pick_unit()
    place = rng.choice(PLACES)
    channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0]
    data = VoiceInput(
        title=title,
        content=content.format(place=unit.name + place),
        category=category,
        unit=unit,
        place=place,
        kind=rng.choice(["request"] * 6 + ["suggestion", "suggestion", "complaint", "consultation"]),
        contact_name=names.person_name(rng),
        contact_phone=names.mobile_number(rng),
        wants_public=rng.random() < 0.6,
        received_at=None,
    )
    if channel in RESIDENT_CHANNELS:
        resident: Person | None = None
        if rng.random() < 0.45 and b.residents:
            resident = b.accounts.get("resident") if rng.random() < 0.15 else rng.choice(b.residents)
        result = do_submit_voice(data, actor=Actor(person=resident, role="resident"), channel_code=channel)
    else:
        if channel == "courier" and not unit.path.startswith(b.reach("courier")):
            channel = "hotline"
        account = {"courier": "courier", "reception": "station", "visit": "township"}.get(channel, "hotline")
        clerk = b.accounts[account]
        if not unit.path.startswith(b.reach(account)):
            clerk = b.accounts["hotline"]
        data.received_at = timezone.now()
        result = do_register_voice(data, actor=register_actor(clerk, unit), channel_code=channel)
    if not result.created:
        return None, None
    return result.voice, result.instance


def _advance(clock: list[dt.datetime], b: _Builder, hours_low: float, hours_high: float) -> bool:
    """Move the simulated clock on; False when that moment has not come yet (the item stays open)."""
    clock[0] = clock[0] + dt.timedelta(hours=b.rng.uniform(hours_low, hours_high))
    return clock[0] < b.now


def _handle(b: _Builder, voice: Voice, clock: list[dt.datetime]) -> None:
    """Move a share of the items along: accept/escalate/assign, reply, feedback — as far as time allows."""
    rng = b.rng
    waiting = rng.random() < 0.4 and b.now - clock[0] < UNACCEPTED_WITHIN
    if waiting or not _advance(clock, b, 1, 30):
        return  # still waiting to be accepted (a recent item; some are a few days overdue)
    unit = voice.unit
    township = b.township_of(unit)
    route = rng.random()
    if route < 0.04:
        handling.do_decline(
            voice,
            actor=b.office("community_staff", unit, "community"),
            reason="不属于本平台受理范围，已告知向法院起诉",
        )
        return
    if route < 0.6:
        handling.do_accept(voice, actor=b.office("community_staff", unit, "community"))
        replier = b.office("community_staff", unit, "community")
    elif route < 0.82:
        handling.do_escalate_to_township(
            voice, actor=b.office("community_staff", unit, "community"), reason=rng.choice(REASONS)
        )
        replier = b.office("township_staff", township, "township")
    else:
        handling.do_take_at_township(voice, actor=b.office("township_staff", township, "township"))
        if not _advance(clock, b, 4, 72):
            return
        district = b.district_of(unit)
        handling.do_escalate_to_district(
            voice, actor=b.office("township_staff", township, "township"), reason=rng.choice(REASONS)
        )
        if not _advance(clock, b, 2, 30):
            return
        departments = [d for d in b.departments if d.path.startswith(district.path)] or b.departments
        department = departments[0] if rng.random() < 0.4 else rng.choice(departments)
        handling.do_assign(
            voice, actor=b.office("district_staff", district, "district"), lead_department=department, due_days=15
        )
        replier = b.office("department_handler", department, "handler")
    if not _advance(clock, b, 24, 24 * 12):
        return
    reply, resolution = rng.choice(REPLIES), rng.choice(["resolved"] * 3 + ["answered"])
    handling.do_reply(voice, actor=replier, reply=reply, resolution=resolution)
    if voice.wants_public and int(voice.tracking_code[-3:]) % 10 < PUBLISHED_TENTHS:
        # The community office puts most answered items whose submitter agreed on the publicity board
        # (decided by the item, not by the shared random stream, so the rest of the demo is unchanged).
        transparency.do_publish_voice(voice, actor=b.office("community_staff", unit, "community"))
    if rng.random() < 0.2 or not _advance(clock, b, 12, 24 * 5):
        return  # awaiting the submitter's rating
    satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], [70, 22, 8])[0]
    comment = rng.choice(COMMENTS)
    # Anonymous submitters are called back by the office that handled the item, which records the rating.
    rater = (
        Actor(person=voice.submitter, role="submitter")
        if voice.submitter is not None
        else b.office("community_staff", handling.instance_for(voice).unit, "community")
    )
    handling.do_feedback(voice, actor=rater, satisfaction=satisfaction, comment=comment)
