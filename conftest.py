"""Shared fixtures. Test data is made through actions, as production data is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actions.roles import do_grant_role
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.models import Person, Unit

CHROMIUM = "/usr/bin/chromium"


@dataclass
class Tree:
    city: Unit
    district: Unit
    other_district: Unit
    township: Unit
    other_township: Unit
    community: Unit
    other_community: Unit
    department: Unit
    station: Unit


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts and ends in the site's default language: a request that switched to English
    leaves its language active in the thread, which would otherwise leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, for the tests marked `browser` (one per test: the sync
    API's event loop must not outlive the test that uses the live server)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def signed_in_page(browser: Any, live_server: Any) -> Any:
    """A function: sign `person` in through the login page at `viewport` (zh-CN), open `url` (a path),
    check it answered 200, and return the Playwright page."""

    def open_page(person: Person, viewport: dict[str, int], password: str, url: str) -> Any:
        page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(person.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/workbench/")
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        return page

    return open_page


@pytest.fixture
def system() -> Actor:
    return Actor.system()


@pytest.fixture
def tree(db: None, system: Actor) -> Tree:
    def make(name: str, kind: str, parent: Unit | None, code: str | None = None) -> Unit:
        return do_create_unit(UnitInput(name=name, kind=kind, code=code), parent, actor=system)

    city = make("示范市", "city", None, "990100")
    district = make("东城区", "district", city, "990101")
    other_district = make("西城区", "district", city, "990102")
    township = make("青云街道", "township", district, "990101001")
    other_township = make("白沙街道", "township", other_district, "990102001")
    community = make("金沙社区", "community", township, "990101001001")
    other_community = make("白沙社区", "community", other_township, "990102001001")
    department = make("东城区住房和城乡建设局", "department", district, "D-990101-ZJ")
    station = make("青云街道人大代表联络站", "station", township, "S-990101001")
    return Tree(city, district, other_district, township, other_township, community, other_community,
                department, station)


@pytest.fixture
def make_person(db: None, system: Actor):  # type: ignore[no-untyped-def]
    counter = {"n": 0}

    def make(role: str | None = None, unit: Unit | None = None, name: str = "张三", password: str = "pass-Minyi-2026") -> Person:
        counter["n"] += 1
        person = do_create_person(
            PersonInput(username=f"user{counter['n']}", name=name, password=password), actor=system
        )
        if role and unit:
            do_grant_role(person, role, unit, actor=system)
        return person

    return make
