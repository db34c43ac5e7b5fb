"""Search, hot spots and showcase in Debian chromium, phone and desktop (screenshots for a human)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from minyi.voices.tests.search_helpers import category, make_voice

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def data(tree, make_person):  # type: ignore[no-untyped-def]
    noise = category("noise", "噪声扰民")
    for text in ["金沙社区5栋路灯不亮，晚上很黑", "金沙社区门口路灯坏了好几天", "金沙社区北侧路灯晚上不亮"]:
        make_voice(tree.community, text[:10], text, published=True)
    for text in ["广场舞噪音扰民，晚上十点还在跳", "小区广场舞音响太吵"]:
        make_voice(tree.community, text[:10], text, cat=noise)
    done = make_voice(
        tree.community, "楼道灯修好了", "楼道灯坏了，张先生13812345678", published=True, state="closed"
    )
    done.resolution, done.satisfaction, done.reply = "resolved", "satisfied", "已更换灯具，经回访群众满意"
    done.closed_at = timezone.now()
    done.save(update_fields=["resolution", "satisfaction", "reply", "closed_at"])
    return make_person("leader", tree.city, name="李市长")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_insight_pages(live_server, browser, data, size, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_CANDIDATES = 3  # four items match 路灯 (one by its category): one is older
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=str(SHOTS / f"voices-{name}-{size}.png"), full_page=True)

    page.goto(f"{live_server.url}/voices/search/?q=路灯 不亮")
    assert page.locator("mark").first.inner_text() in {"路灯", "不亮"}
    check("search")
    page.goto(f"{live_server.url}/voices/search/?q=路灯")
    assert page.locator("ol.results li").count() == 3
    page.get_by_role("link", name="检索更早的事项").click()
    page.wait_for_url("**before=**")
    assert page.locator("ol.results li").count() == 1 and "5栋路灯" in page.locator("ol.results").inner_text()
    assert page.get_by_role("link", name="检索更早的事项").count() == 0
    assert page.get_by_role("link", name="回到最新的事项").count() == 1
    check("search-older")
    page.goto(f"{live_server.url}/voices/showcase/")
    assert "138****5678" in page.content()
    check("showcase")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(data.username)
    page.get_by_label("密码").fill("pass-Minyi-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/workbench/")
    page.goto(f"{live_server.url}/voices/hotspots/?period=all")
    page.wait_for_function("document.querySelector('#hotspot-chart canvas') !== null")
    check("hotspots")
