"""D1 management, D5 and D6 pages in Debian chromium on a phone and a desktop: no sideways overflow;
screenshots for a human to look at (MINYI_SHOTS_DIR, default test-artifacts/screenshots)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.deliberation.actions import appraisals as ap
from minyi.deliberation.actions import consultation as c
from minyi.deliberation.actions import duties
from minyi.deliberation.actions import hearings as h
from minyi.deliberation.actions import inquiries as iq
from minyi.deliberation.models import Membership
from minyi.deliberation.tests.conftest import member_actor
from minyi.deliberation.tests.test_inquiries import GROUPS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
PASSWORD = "pass-Minyi-2026"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(
    tree: Any, make_person: Any, system: Actor, council: Any, members: list[Any], staff: Any
) -> dict[str, Any]:
    officer = make_person("district_staff", tree.district, name="王科长")
    act = Actor(person=officer, role="district_staff", unit=tree.district)
    duties.do_log_contact(
        Membership.objects.get(person=members[0]),
        contacted_on=timezone.localdate(),
        kind="visit",
        whom="3栋2单元住户",
        summary="反映楼道灯不亮、电动车乱停",
        actor=member_actor(members[0]),
    )
    plan = c.do_create_plan(
        tree.district, year=timezone.localdate().year, title="东城区年度协商计划", actor=act
    )
    for title, channel, form in [
        ("政府工作报告征求意见", "government", "symposium"),
        ("老旧小区改造专题协商", "cppcc", "special"),
        ("扶贫工作调研协商", "party", "research"),
    ]:
        item = c.do_add_item(
            plan,
            c.ItemInput(
                title=title,
                channel=channel,
                form=form,
                organiser=tree.department,
                starts_on=timezone.localdate(),
                participants="人大代表、政协委员、群众代表",
            ),
            actor=act,
        )
    c.do_publish_plan(plan, actor=act)
    hearing = h.do_create_hearing(
        tree.district,
        h.HearingInput(
            title="居民生活用水价格调整听证会",
            matter="居民生活用水价格拟由每吨2.90元调整为3.20元。",
            held_at=timezone.now() + dt.timedelta(days=7),
            apply_until=timezone.localdate() + dt.timedelta(days=3),
            seats=2,
            place="区政府三楼会议室",
        ),
        actor=act,
    )
    speakers = [make_person(name=n) for n in ("孙丽华", "周建国")]
    apps = [h.do_apply_to_speak(hearing, "建议分两年调整", actor=Actor(person=p)) for p in speakers]
    h.do_select_speakers(hearing, apps, actor=act)
    o1 = h.do_record_opinion(hearing, apps[0], "反对一次调整到位，建议分两年实施", actor=act)
    o2 = h.do_record_opinion(hearing, apps[1], "建议对低保户给予减免", actor=act)
    h.do_respond_to_opinion(o1, response="partly", reason="分两年调整，第一年3.05元", actor=act)
    h.do_respond_to_opinion(o2, response="adopted", reason="", actor=act)
    h.do_publish_hearing(hearing, decision="分两年调整到位，低保户每月减免5吨", actor=act)
    session = iq.do_create_session(
        tree.district,
        iq.SessionInput(kind="qa", title="代表问政会", subject="城区交通拥堵治理", held_at=timezone.now()),
        actor=act,
    )
    deputy = make_person("deputy", tree.district, name="刘代表")
    q = iq.do_record_question(session, deputy, "实验小学门口早晚高峰拥堵，何时解决？", actor=act)
    iq.do_record_answer(
        q,
        make_person(name="张建军"),
        office="局长",
        office_unit=tree.department,
        text="暑假期间完成路口渠化改造，增设即停即走车位。",
        actor=act,
    )
    iq.do_track_follow_up(
        q,
        "增设即停即走车位12个",
        responsible_unit=tree.department,
        deadline=timezone.localdate() + dt.timedelta(days=60),
        actor=act,
    )
    iq.do_publish_session(session, actor=act)
    traffic = do_create_unit(
        UnitInput(name="东城区交通运输局", kind="department"), tree.district, actor=system
    )
    appraisal = ap.do_create_appraisal(
        tree.district,
        ap.AppraisalInput(
            title="城市交通建设专项工作评议",
            work="城市交通建设",
            held_at=timezone.now(),
            departments=[tree.department, traffic],
            groups=GROUPS,
        ),
        actor=act,
    )
    raters = [make_person(name=f"评议代表{i}") for i in range(3)]
    ap.do_add_raters(appraisal, "deputies", raters[:2], actor=act)
    ap.do_add_raters(appraisal, "residents", raters[2:], actor=act)
    poll = ap.do_start_scoring(appraisal, actor=act)
    keys = [o.key for o in poll.options.all()]
    for person, score in zip(raters, (88, 76, 64), strict=True):
        do_cast_ballot(
            poll, {k: {"work": score - i * 9} for i, k in enumerate(keys)}, actor=Actor(person=person)
        )
    ap.do_announce_appraisal(appraisal, actor=act)
    scoring = ap.do_create_appraisal(
        tree.district,
        ap.AppraisalInput(
            title="饮水安全专项工作评议",
            work="饮水安全",
            held_at=timezone.now(),
            departments=[tree.department, traffic],
            groups=GROUPS,
        ),
        actor=act,
    )
    rater = make_person(name="服务对象代表")
    ap.do_add_raters(scoring, "recipients", [rater], actor=act)
    ap.do_start_scoring(scoring, actor=act)
    return {
        "officer": officer,
        "staff": staff,
        "member": members[0],
        "resident": speakers[0],
        "rater": rater,
        "council": council,
        "plan": plan,
        "item": item,
        "hearing": hearing,
        "session": session,
        "appraisal": appraisal,
        "scoring": scoring,
        "poll": poll,
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_fit_and_render(signed_in_page: Any, scene: dict[str, Any], width: str) -> None:
    pages = [
        ("staff", f"/deliberation/councils/{scene['council'].pk}/manage/", "council-manage"),
        ("member", "/deliberation/me/duties/", "my-duties"),
        ("officer", "/deliberation/consultation/", "consultation"),
        ("resident", f"/deliberation/consultation/plans/{scene['plan'].pk}/", "plan"),
        ("resident", f"/deliberation/hearings/{scene['hearing'].pk}/", "hearing"),
        ("officer", f"/deliberation/consultation/items/{scene['item'].pk}/", "item"),
        ("resident", f"/deliberation/inquiries/{scene['session'].pk}/", "inquiry"),
        ("officer", "/deliberation/inquiries/", "inquiries"),
        ("resident", f"/deliberation/appraisals/{scene['appraisal'].pk}/", "appraisal"),
        ("officer", f"/deliberation/appraisals/{scene['scoring'].pk}/", "appraisal-scoring"),
        ("rater", f"/deliberation/appraisals/{scene['scoring'].pk}/score/", "score"),
        ("resident", f"/deliberation/polls/{scene['poll'].pk}/projector/", "appraisal-projector"),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, url, name in pages:
        page = signed_in_page(scene[who], VIEWPORTS[width], PASSWORD, url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the viewport"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.context.close()
