"""The pages in a real browser (Debian chromium): each role's workbench, the portal, phone and desktop,
Chinese and English. Screenshots go to test-artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from minyi.core.actions.people import DeputyInput, do_add_deputy_record
from minyi.core.models import Notification, Unit
from minyi.core.tests.standin_instances import standin_instance

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "pass-Minyi-2026"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROLES = ["admin", "township_staff", "department_handler", "deputy", "resident", "supervisor"]


@pytest.fixture
def people(tree, make_person, system):
    """One person per role, made through actions, and a few items awaiting some of them."""
    where = {
        "admin": tree.city,
        "township_staff": tree.township,
        "department_handler": tree.department,
        "deputy": tree.township,
        "resident": tree.community,
        "supervisor": tree.district,
    }
    names = {
        "admin": "管理员",
        "township_staff": "李晓红",
        "department_handler": "王建华",
        "deputy": "张立新",
        "resident": "赵一",
        "supervisor": "孙正",
    }
    made = {role: make_person(role, unit, name=names[role]) for role, unit in where.items()}
    do_add_deputy_record(
        made["deputy"],
        DeputyInput(
            body="npc",
            level="county",
            unit=tree.station,
            term_start=dt.date(2021, 10, 1),
            term="第十八届",
            delegation="青云街道代表组",
        ),
        actor=system,
    )
    Unit.objects.filter(pk=tree.station.pk).update(
        address="东城区青云路88号青云街道便民服务中心二楼", phone="0871-63123456"
    )
    now = timezone.now()
    standin_instance(
        title="金沙社区3号楼路灯不亮，夜间出行不便",
        unit=tree.community,
        awaiting_roles=["township_staff"],
        deadline_at=now - dt.timedelta(days=4),
    )
    standin_instance(
        title="青云路人行道破损需修复",
        unit=tree.community,
        awaiting_roles=["township_staff"],
        deadline_at=now + dt.timedelta(days=6),
        process="sample_voice",
    )
    standin_instance(
        title="老旧小区加装电梯议题",
        unit=tree.community,
        process="sample_topic",
        awaiting_roles=["township_staff", "deputy"],
        state="consulting",
    )
    standin_instance(
        title="关于学校周边交通拥堵的建议",
        unit=tree.department,
        process="sample_suggestion",
        awaiting_roles=["department_handler"],
        deadline_at=now + dt.timedelta(hours=2),
    )
    for person in made.values():
        Notification.objects.create(recipient=person, kind="test", title="您有新的待办事项")
    return made


def new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    return context.new_page()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_fits(page):
    # Nothing wider than the screen: a phone must never need to scroll sideways.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/workbench/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_workbench_for_each_role(live_server, browser, people, role, width):
    page = new_page(browser, DESKTOP if width == "desktop" else PHONE)
    log_in(page, live_server.url, people[role].username)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="我的工作台").is_visible()
    assert page.locator('nav a[aria-current="page"]').inner_text() == "我的工作台"
    if role == "township_staff":
        assert page.locator(".task").count() == 3
        first = page.locator(".task").first
        assert "路灯不亮" in first.inner_text() and "已超期" in first.inner_text()
    if role == "deputy":
        assert page.locator(".task").count() == 1
    if role in ("resident", "supervisor", "admin"):
        assert page.get_by_text("暂无待办事项。").is_visible()
    assert_fits(page)
    shot(page, f"workbench-{role}-{width}")
    page.context.close()


def test_workbench_filter_and_keyboard(live_server, browser, people):
    page = new_page(browser, DESKTOP)
    log_in(page, live_server.url, people["township_staff"].username)
    page.get_by_label("只看已超期").check()  # htmx swaps the list in place
    page.wait_for_function("document.querySelectorAll('.task').length === 1")
    assert "overdue=1" in page.url
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.goto(f"{live_server.url}/workbench/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.context.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_portal_and_language_switch(live_server, browser, people, width):
    page = new_page(browser, DESKTOP if width == "desktop" else PHONE)
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    for heading in ("公示栏", "服务站点", "代表风采"):
        assert page.get_by_role("heading", name=heading).is_visible()
    body = page.locator("body").inner_text()
    assert "张**" in body and "张立新" not in body
    assert_fits(page)
    shot(page, f"portal-zh-{width}")

    page.get_by_role("button", name="English").click()
    page.wait_for_selector('html[lang="en"]')
    assert page.get_by_role("heading", name="Publicity board").is_visible()
    assert_fits(page)
    shot(page, f"portal-en-{width}")

    log_in_en(page, live_server.url, people["township_staff"].username)
    assert page.get_by_role("heading", name="My workbench").is_visible()
    assert "working days left" in page.locator("body").inner_text()
    assert_fits(page)
    shot(page, f"workbench-township_staff-en-{width}")

    page.get_by_role("button", name="中文").click()
    page.wait_for_selector('html[lang="zh-Hans"]')
    assert page.get_by_role("heading", name="我的工作台").is_visible()
    page.context.close()


def log_in_en(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/workbench/")
