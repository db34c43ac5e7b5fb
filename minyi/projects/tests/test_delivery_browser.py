"""P3/P5/P6 pages in Debian chromium, phone and desktop: no sideways scrolling; screenshots to look at."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.projects.delivery.actions import (
    MilestoneInput,
    PaymentInput,
    do_add_milestone,
    do_open_delivery,
    do_record_payment,
    do_report_progress,
)
from minyi.projects.fund.actions import (
    VerificationInput,
    do_create_fund,
    do_decide_fund,
    do_screen_item,
    do_verify_candidate,
)
from minyi.projects.selfbuild.actions import (
    NeedInput,
    SelfBuildInput,
    do_add_need,
    do_create_selfbuild,
    do_decide,
    do_open_village_vote,
    do_record_discussion,
)
from minyi.projects.tests.delivery_support import actor, pdf, people_fixture, voices_setup_fixture  # noqa: F401
from minyi.voices.actions.suggestions import SuggestionInput, do_file_suggestion

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
PASSWORD = "pass-Minyi-2026"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(tree: Any, people: dict[str, Any], voices_setup: Any, make_person: Any) -> dict[str, Any]:
    today = timezone.localdate()
    staff, village, office = actor(people["township"]), actor(people["village"]), actor(people["district"])
    lamps = do_open_delivery(
        tree.township,
        unit=tree.township,
        title="青云街道老旧小区路灯改造",
        budget=Decimal("1200000"),
        year=today.year,
        actor=Actor.system(),
    )
    design = do_add_milestone(
        lamps,
        MilestoneInput("方案设计", today - dt.timedelta(days=30), today - dt.timedelta(days=2)),
        actor=staff,
    )
    build = do_add_milestone(
        lamps, MilestoneInput("安装施工", today, today + dt.timedelta(days=60), weight=3), actor=staff
    )
    do_report_progress(design, 90, note="设计方案已公示", actor=staff)
    do_report_progress(build, 35, actor=staff)
    do_record_payment(
        lamps,
        PaymentInput("360000", today, "示范市照明工程有限公司", "预付款（30%）"),
        document=pdf(),
        actor=staff,
    )
    villagers = [make_person("resident", tree.community, name=f"村民{i}") for i in range(3)]
    round_ = do_create_selfbuild(
        tree.community, SelfBuildInput(f"{today.year}年村级公共设施", today.year, "100000"), actor=village
    )
    road = do_add_need(
        round_, NeedInput("硬化三组入户路", "雨天泥泞", "60000", raised_by="三组"), actor=village
    )
    do_add_need(round_, NeedInput("修缮蓄水池", "渗漏", "30000"), actor=village)
    do_record_discussion(
        round_, record="院坝会：到会村民32人，讨论两项需求。", held_on=today, attendance=32, actor=village
    )
    poll = do_open_village_vote(round_, electorate=villagers, present=villagers, actor=village)
    for person in villagers:
        do_cast_ballot(poll, [str(road.pk)], actor=actor(person))
    do_decide(round_, committee="张三、李四、王五", actor=village)
    fund = do_create_fund(
        tree.district,
        year=today.year,
        title=f"{today.year}年代表建议办理专项资金",
        total="7400000",
        actor=office,
    )
    voice = do_file_suggestion(
        SuggestionInput(
            kind="deputy_suggestion",
            title="上江希望小学饮水工程",
            content="饮水困难",
            category=voices_setup,
            area="welfare",
            term="第十八届",
            session="闭会期间",
            unit=tree.township,
        ),
        actor=Actor(person=people["deputy"], role="deputy"),
    )
    item = do_verify_candidate(
        fund,
        voice,
        VerificationInput(voice.title, "850000", "第一调研组", today, "必要、紧迫、可行"),
        actor=staff,
    )
    do_screen_item(item, livelihood=95, within_year=85, fairness=80, actor=office)
    do_decide_fund(fund, [item], note="主任会议第5次会议", actor=office)
    for person in people.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return {
        "delivery": lamps,
        "round": round_,
        "fund": fund,
        # Not "village": that key is the village cadre in `people` (merged below).
        "village_unit": tree.community,
        "year": today.year,
        **people,
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_fit_and_render(live_server: Any, browser: Any, scene: dict[str, Any], width: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [
        ("year", None, f"/projects/delivery/year/{scene['year']}/"),
        ("delivery", "township", f"/projects/delivery/{scene['delivery'].pk}/"),
        ("problem", "rep", f"/projects/delivery/{scene['delivery'].pk}/problem/"),
        ("supervision", "township", "/projects/delivery/supervision/"),
        ("village", None, f"/projects/village/{scene['village_unit'].pk}/"),
        ("selfbuild", None, f"/projects/selfbuild/{scene['round'].pk}/"),
        ("fund", None, f"/projects/fund/{scene['fund'].pk}/"),
    ]
    for name, who, url in pages:
        context = browser.new_context(viewport=VIEWPORTS[width], locale="zh-CN")
        page = context.new_page()
        if who:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("用户名").fill(scene[who].username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state()
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, name
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SHOTS / f"projects-{name}-{width}.png"), full_page=True)
        assert overflow <= 1, f"{name} scrolls sideways on {width}"
        context.close()
