"""P4 effect-evaluation page in Debian chromium, phone and desktop: no sideways scrolling; screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from minyi.core.actors import Actor
from minyi.projects.effect.actions import run_effect_sweep
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.tests.effect_support import Cast, act, cast_fixture, complete, days_ago, elect  # noqa: F401
from minyi.surveys.actions import do_close_survey, do_publish_survey, do_submit_response
from minyi.surveys.models import RespondentGroup

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(tree: Any, cast: Cast) -> dict[str, Any]:
    lamps, square = elect(tree, cast, ("金沙社区老旧小区路灯改造", "金沙社区健身广场", "金沙社区道路硬化"))
    complete(lamps, cast, days_ago(200))
    complete(square, cast, days_ago(20))
    run_effect_sweep()
    evaluation = EffectEvaluation.objects.select_related("survey").get(project=lamps)
    groups = {
        g.name: g for g in RespondentGroup.objects.select_related("survey").filter(survey=evaluation.survey)
    }
    for person, overall in zip(cast.reps, ["satisfied", "basic"], strict=True):
        answers = {"quality": 4, "usefulness": 5, "maintenance": 3, "overall": overall}
        do_submit_response(groups["群众代表"], answers, actor=Actor(person=person, role="respondent"))
    for person, overall in zip(cast.deputies, ["satisfied", "satisfied", "unsatisfied"], strict=True):
        answers = {"quality": 4, "usefulness": 4, "maintenance": 4, "overall": overall}
        do_submit_response(groups["人大代表"], answers, actor=Actor(person=person, role="respondent"))
    do_close_survey(evaluation.survey, actor=act(cast.township))
    do_publish_survey(evaluation.survey, actor=act(cast.township))
    run_effect_sweep()
    return {"unit": tree.township, "staff": cast.township}


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_effect_page_fits_and_renders(
    live_server: Any, browser: Any, scene: dict[str, Any], width: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, who in (("public", None), ("staff", scene["staff"])):
        context = browser.new_context(viewport=VIEWPORTS[width], locale="zh-CN")
        page = context.new_page()
        if who:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("用户名").fill(who.username)
            page.get_by_label("密码").fill("pass-Minyi-2026")
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state()
        response = page.goto(f"{live_server.url}/projects/effect/?unit={scene['unit'].pk}")
        assert response is not None and response.status == 200
        assert page.get_by_text("金沙社区老旧小区路灯改造").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SHOTS / f"projects-effect-{name}-{width}.png"), full_page=True)
        assert overflow <= 1, f"{name} scrolls sideways on {width}"
        context.close()
