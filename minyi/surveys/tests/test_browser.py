"""Survey pages in Debian chromium on a phone and a desktop; screenshots for a human to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from minyi.surveys.actions import do_close_survey, do_open_survey, do_publish_survey, do_submit_response
from minyi.surveys.models import RespondentGroup
from minyi.surveys.tests.conftest import good_answers, respondent, staff_actor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
PASSWORD = "pass-Minyi-2026"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(make_survey: Any, staff: Any, reps: list, deputies: list) -> dict[str, Any]:
    actor = staff_actor(staff)
    running = do_open_survey(make_survey(), actor=actor)
    done = do_open_survey(make_survey(), actor=actor)
    groups = {g.name: g for g in RespondentGroup.objects.select_related("survey").filter(survey=done)}
    for person, q3, q1 in zip(reps, [5, 4, 3], ["1", "2", "2"], strict=True):
        do_submit_response(groups["居民代表"], good_answers(q3=q3, q1=q1), actor=respondent(person))
    for person, q3 in zip(deputies, [4, 2], strict=True):
        do_submit_response(groups["人大代表"], good_answers(q3=q3, q1="3", q4=60), actor=respondent(person))
    do_submit_response(
        groups["受益群众"], good_answers(q2=["2"], q4=95), actor=respondent(None), device_key="x"
    )
    done = do_publish_survey(do_close_survey(done, actor=actor), actor=actor)
    public = RespondentGroup.objects.get(survey=running, name="受益群众")
    return {"staff": staff, "running": running, "done": done, "public_token": public.token}


def fits(page: Any, url: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} is {overflow}px wider than the viewport"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_survey_pages(live_server: Any, browser: Any, scene: dict[str, Any], width: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[width], locale="zh-CN")
    page = context.new_page()
    # A resident answers by the open link: the form first, then an incomplete submission (htmx swap).
    url = f"{live_server.url}/surveys/r/{scene['public_token']}/"
    assert page.goto(url).status == 200
    fits(page, url)
    page.screenshot(path=str(SHOTS / f"surveys-respond-{width}.png"), full_page=True)
    page.locator(".sv-scale-point").nth(3).click()
    page.get_by_role("button", name="提交答卷").click()
    page.wait_for_selector(".sv-card-error")
    fits(page, url)
    page.screenshot(path=str(SHOTS / f"surveys-respond-errors-{width}.png"), full_page=True)
    # Public results with charts.
    url = f"{live_server.url}/surveys/{scene['done'].pk}/results/"
    assert page.goto(url).status == 200
    page.wait_for_selector("#chart-q3 canvas")
    fits(page, url)
    page.screenshot(path=str(SHOTS / f"surveys-results-{width}.png"), full_page=True)
    # Staff: the survey's page with group links and QR codes.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(scene["staff"].username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/workbench/")
    url = f"{live_server.url}/surveys/{scene['running'].pk}/"
    assert page.goto(url).status == 200
    fits(page, url)
    page.screenshot(path=str(SHOTS / f"surveys-manage-{width}.png"), full_page=True)
    context.close()
