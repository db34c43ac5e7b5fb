"""Every demo account of the README logs in to the demo city in Debian chromium, on a desktop and a
phone; the administrator approves a resident's role request on a phone. Screenshots are kept."""

from __future__ import annotations

import os

import pytest

from minyi.core.demo.build import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo
from minyi.core.models import RoleGrant, RoleRequest
from minyi.core.roles import role_label

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from tests.browser.test_pages_browser import DESKTOP, PHONE, assert_fits, new_page, shot  # noqa: E402


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/workbench/")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_demo_account_reaches_its_workbench(live_server, browser, width):
    build_demo()
    for account in DEMO_ACCOUNTS:
        page = new_page(browser, DESKTOP if width == "desktop" else PHONE)
        log_in(page, live_server.url, account.username)
        assert page.get_by_role("heading", name="我的工作台").is_visible()
        assert role_label(account.role) in page.locator("#my-roles-title + ul").inner_text()
        assert_fits(page)
        shot(page, f"demo-{account.username}-{width}")
        page.context.close()


def test_administrator_approves_a_role_request_on_a_phone(live_server, browser):
    build_demo()
    page = new_page(browser, PHONE)
    log_in(page, live_server.url, "admin")
    assert page.locator(".task").count() == 5
    page.locator(".task-title a").first.click()
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_selector("text=已办理：批准")
    assert "已批准" in page.locator("body").inner_text()
    assert_fits(page)
    shot(page, "demo-admin-approved-phone")
    page.context.close()
    request = RoleRequest.objects.exclude(grant=None).get()
    assert RoleGrant.objects.active().filter(person=request.person, role=request.role, unit=request.unit).exists()
