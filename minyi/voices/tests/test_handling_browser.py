"""The handler's inbox and item page in Debian chromium, phone and desktop (screenshots for a human):
filters fold away on a phone, open on a desk screen, and an item is accepted from its page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minyi.core.models import Event
from minyi.voices.actions.handling import instance_for
from minyi.voices.tests.handling_support import register_voice

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_inbox_and_accept_from_the_item_page(live_server, browser, tree, make_person, size) -> None:  # type: ignore[no-untyped-def]
    staff = make_person("community_staff", tree.community, name="王社区")
    voice = register_voice(tree.community, title="3栋门口路灯不亮")
    register_voice(tree.community, title="小区广场舞噪音扰民")
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=str(SHOTS / f"voices-{name}-{size}.png"), full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill("pass-Minyi-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/workbench/")

    page.goto(f"{live_server.url}/voices/inbox/")
    filters = page.locator("details.filter-panel")
    assert filters.evaluate("panel => panel.open") is (size == "desktop")
    if size == "phone":
        # Folded on a phone, so the list is the first thing on the screen; one tap opens the filters.
        assert page.locator("ol.tasks").bounding_box()["y"] < SIZES["phone"]["height"]
        filters.locator("summary").click()
    assert page.get_by_label("状态").is_visible()
    check("inbox")

    page.get_by_role("link", name="3栋门口路灯不亮").click()
    page.locator("summary", has_text="受理").first.click()
    page.get_by_role("button", name="确认受理").click()
    page.wait_for_load_state()
    assert instance_for(voice).state == "community_handling"
    assert Event.objects.filter(action="voice.accept", actor=staff).exists()
    check("item-accepted")
