"""Suggestion and courier pages in Debian chromium, phone and desktop; screenshots for a human to look at."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.voices.actions.couriers import (
    AppointmentInput,
    VisitInput,
    do_appoint_courier,
    do_log_courier_visit,
)
from minyi.voices.actions.suggestions import (
    ConsultationInput,
    SuggestionInput,
    do_assign_suggestion,
    do_file_suggestion,
    do_record_consultation,
)
from minyi.voices.tests.suggest_support import category_fixture, channels_fixture, make_deputy_fixture  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
PASSWORD = "pass-Minyi-2026"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(tree: Any, make_person: Any, make_deputy: Any, category: Any, channels: None) -> dict[str, Any]:
    deputy = make_deputy(tree.community, name="张立新")
    district = make_person("district_staff", tree.district, name="区选联工委")
    handler = make_person("department_handler", tree.department, name="王建华")
    staff = make_person("community_staff", tree.community, name="李书记")
    courier = make_person(name="刘大姐")
    voice = do_file_suggestion(
        SuggestionInput(
            kind="deputy_suggestion",
            title="关于金沙社区老旧小区加装电梯的建议",
            content="金沙社区有12栋老旧住宅楼无电梯，老年人上下楼困难，建议统筹资金加装。",
            category=category,
            area="urban",
            session="第三次会议",
        ),
        actor=Actor(person=deputy, role="deputy"),
    )
    do_assign_suggestion(
        voice, tree.department, actor=Actor(person=district, role="district_staff", unit=tree.district)
    )
    do_record_consultation(
        voice,
        ConsultationInput(
            held_at=timezone.now() - dt.timedelta(hours=3),
            place="青云街道人大代表联络站",
            department_attendees="住建局 王科长、李工",
        ),
        actor=Actor(person=handler, role="department_handler", unit=tree.department),
    )
    do_appoint_courier(
        AppointmentInput(
            person=courier,
            community=tree.community,
            year=timezone.localdate().year,
            subsidy_amount=Decimal("300"),
        ),
        actor=Actor(person=staff),
    )
    do_log_courier_visit(
        VisitInput(community=tree.community, heard="3栋住户反映楼道灯坏了一周。", household="3栋2单元"),
        actor=Actor(person=courier, role="courier", unit=tree.community),
    )
    return {"deputy": deputy, "handler": handler, "staff": staff, "courier": courier, "voice": voice}


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_fit_and_render(signed_in_page: Any, scene: dict[str, Any], width: str) -> None:
    pages = [
        ("deputy", "/voices/suggestions/", "suggestions"),
        ("deputy", "/voices/suggestions/new/", "suggestion_new"),
        ("handler", f"/voices/suggestions/{scene['voice'].pk}/", "suggestion_handler"),
        ("staff", "/voices/couriers/", "couriers"),
        ("courier", "/voices/couriers/visit/", "courier_visit"),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, url, name in pages:
        page = signed_in_page(scene[who], VIEWPORTS[width], PASSWORD, url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the viewport"
        page.screenshot(path=str(SHOTS / f"voices-{name}-{width}.png"), full_page=True)
        page.context.close()
