"""Projects pages in Debian chromium, phone and desktop; screenshots for a human to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from minyi.core.actors import Actor
from minyi.projects.actions.pabulib_io import do_import_pabulib
from minyi.projects.actions.projects import RecommendationInput, do_recommend_project
from minyi.projects.actions.rounds import RoundInput, do_create_round, do_publish_round, do_start_screening
from minyi.projects.tests.test_pabulib import generated

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("MINYI_SHOTS_DIR", Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots")
)
PASSWORD = "pass-Minyi-2026"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def scene(tree: Any, make_person: Any) -> dict[str, Any]:
    staff = make_person("township_staff", tree.township, name="镇干部")
    station = make_person("station_staff", tree.station, name="站长")
    resident = make_person("resident", tree.community, name="李四")
    actor = Actor(person=staff)
    budget = do_create_round(
        RoundInput(
            unit=tree.township,
            year=2026,
            title="2026年青云街道民生实事（预算）",
            seats=1,
            selection_rule="greedy",
            budget="1",
        ),
        actor=actor,
    )
    budget = do_publish_round(
        do_import_pabulib(budget, generated(4, projects=10, voters=200), actor=actor), actor=actor
    )
    collecting = do_create_round(
        RoundInput(unit=tree.township, year=2026, title="2026年青云街道民生实事项目", seats=3), actor=actor
    )
    do_recommend_project(
        collecting,
        RecommendationInput(
            title="金沙社区加装路灯",
            description="夜间太暗",
            unit=tree.community,
            cost="80000",
            place="金沙路",
            beneficiaries=1200,
        ),
        actor=Actor(person=resident),
    )
    do_start_screening(collecting, actor=actor)
    return {
        "staff": staff,
        "station": station,
        "resident": resident,
        "budget": budget,
        "collecting": collecting,
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_fit_and_render(signed_in_page: Any, scene: dict[str, Any], width: str) -> None:
    pages = [
        ("resident", "/projects/?year=2026", "year"),
        ("resident", f"/projects/rounds/{scene['budget'].pk}/", "results"),
        ("station", f"/projects/rounds/{scene['collecting'].pk}/screen/", "screen"),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, url, name in pages:
        page = signed_in_page(scene[who], VIEWPORTS[width], PASSWORD, url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the viewport"
        page.screenshot(path=str(SHOTS / f"projects-{name}-{width}.png"), full_page=True)
        page.context.close()
