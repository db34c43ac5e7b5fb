"""Questionnaire topics and the assembly's review vote in Debian chromium, phone and desktop: no sideways
overflow; screenshots for a human to look at (MINYI_SHOTS_DIR, default test-artifacts/screenshots)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from minyi.deliberation.actions import council_admin
from minyi.deliberation.actions.meetings import do_add_to_agenda, do_open_meeting, do_sign_in
from minyi.deliberation.actions.survey_topics import (
    FromSurveyInput,
    do_create_topic_survey,
    do_topic_from_survey_answers,
)
from minyi.deliberation.actions.topics import do_mark_valid
from minyi.deliberation.tests.conftest import staff_actor
from minyi.deliberation.tests.test_participation_browser import PASSWORD, SHOTS, VIEWPORTS
from minyi.deliberation.tests.test_survey_topics import ANSWERS, answer, by_topic
from minyi.surveys.actions import do_close_survey

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(council: Any, staff: Any, members: list[Any], meeting: Any, proposed: Any) -> dict[str, Any]:
    act = staff_actor(staff)
    survey = do_create_topic_survey(council, title="2026年金沙社区议题征集", actor=act)
    for values in ANSWERS * 2:
        answer(survey, values)
    survey = do_close_survey(survey, actor=act)
    found = by_topic(survey)
    topic = do_topic_from_survey_answers(
        council,
        FromSurveyInput(
            responses=[found["3栋路灯坏了"][1], found["路灯太暗"][1]], title="小区路灯维修与增亮"
        ),
        actor=act,
    )
    collecting = do_create_topic_survey(council, title="第二轮议题征集", actor=act)
    council_admin.do_update_council(
        council,
        name=council.name,
        kind=council.kind,
        governance_vote=False,
        assembly_vote=True,
        is_active=True,
        actor=act,
    )
    do_mark_valid(proposed, actor=act)
    do_add_to_agenda(meeting, proposed, actor=act)
    meeting = do_open_meeting(meeting, actor=act)
    for person in members[:4]:
        do_sign_in(meeting, person, method="staff", actor=act)
    return {
        "staff": staff,
        "resident": members[4],
        "council": council,
        "topic": topic,
        "meeting": meeting,
        "token": collecting.groups.get().token,
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_fit_and_render(signed_in_page: Any, scene: dict[str, Any], width: str) -> None:
    pages = [
        ("staff", f"/deliberation/councils/{scene['council'].pk}/survey-topics/", "survey-topics"),
        ("resident", f"/surveys/r/{scene['token']}/", "topic-survey-respond"),
        ("resident", f"/deliberation/topics/{scene['topic'].pk}/", "topic-from-survey"),
        ("staff", f"/deliberation/meetings/{scene['meeting'].pk}/run/", "run-review-vote"),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, url, name in pages:
        page = signed_in_page(scene[who], VIEWPORTS[width], PASSWORD, url)
        if name == "run-review-vote":
            page.get_by_text("审议：实施方案提交居民代表大会表决").click()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the viewport"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.context.close()
