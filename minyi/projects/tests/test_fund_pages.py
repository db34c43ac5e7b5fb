"""P6 staff pages: set up, verify on site, score, the chair meeting within the total (over-total is a form
error), tracking links; wrong roles refused; bad posts write nothing; the list costs the same queries."""

# ruff: noqa: F811  (the `suggestions` fixture is imported from test_fund_actions)
from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minyi.core.models import Event
from minyi.projects.fund.actions import do_create_fund, do_screen_item
from minyi.projects.fund.models import Fund, FundItem, FundItemStatus
from minyi.projects.tests.delivery_support import TODAY, actor, people_fixture, voices_setup_fixture  # noqa: F401
from minyi.projects.tests.test_fund_actions import suggestions, verify  # noqa: F401

pytestmark = pytest.mark.django_db


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def fund(tree: Any, people: dict[str, Any]) -> Fund:
    return do_create_fund(
        tree.district,
        year=2026,
        title="2026年代表建议专项资金",
        total="300000",
        actor=actor(people["district"]),
    )


def test_create_fund_page(tree: Any, people: dict[str, Any]) -> None:
    client = logged_in(people["district"])
    assert client.get("/projects/fund/new/").status_code == 200
    bad = client.post(
        "/projects/fund/new/", {"unit": tree.district.pk, "year": 2026, "title": "专项", "total": "-1"}
    )
    assert bad.status_code == 400 and "金额必须大于0" in bad.content.decode() and not Fund.objects.exists()
    ok = client.post(
        "/projects/fund/new/", {"unit": tree.district.pk, "year": 2026, "title": "专项", "total": "7400000"}
    )
    assert ok.status_code == 302 and Event.objects.get(action="projects.fund.create").public
    for who in ("township", "resident", "outsider"):
        assert logged_in(people[who]).get("/projects/fund/new/").status_code == 403


def test_verify_page(fund: Fund, people: dict[str, Any], suggestions: list[Any]) -> None:
    client = logged_in(people["township"])
    page = client.get(f"/projects/fund/{fund.pk}/manage/")
    assert page.status_code == 200 and "实地核查" in page.content.decode()
    post = {
        "voice": suggestions[0].tracking_code,
        "title": "上江小学饮水工程",
        "cost": "120000",
        "group": "第一调研组",
        "verified_on": TODAY.isoformat(),
        "finding": "",
    }
    bad = client.post(f"/projects/fund/{fund.pk}/manage/verify/", post)
    assert bad.status_code == 400 and "请填写完整的核查信息" in bad.content.decode()
    unknown = client.post(f"/projects/fund/{fund.pk}/manage/verify/", {**post, "voice": "NOPE"})
    assert unknown.status_code == 400 and "找不到受理编号为 NOPE 的代表建议" in unknown.content.decode()
    assert not FundItem.objects.exists() and not Event.objects.filter(action="projects.fund.verify").exists()
    ok = client.post(f"/projects/fund/{fund.pk}/manage/verify/", {**post, "finding": "必要、紧迫、可行"})
    assert ok.status_code == 302 and FundItem.objects.get().status == FundItemStatus.CANDIDATE
    assert Event.objects.get(action="projects.fund.verify").public
    # Another district's township staff and residents may not verify.
    for who in ("outsider", "resident"):
        refused = logged_in(people[who]).post(f"/projects/fund/{fund.pk}/manage/verify/", post)
        assert refused.status_code == 403
    assert logged_in(people["resident"]).get(f"/projects/fund/{fund.pk}/manage/").status_code == 403


def test_screen_page(fund: Fund, people: dict[str, Any], suggestions: list[Any]) -> None:
    item = verify(fund, suggestions[0], people, "120000")
    client = logged_in(people["district"])
    url = f"/projects/fund/{fund.pk}/manage/items/{item.pk}/screen/"
    bad = client.post(url, {"livelihood": 120, "within_year": 80, "fairness": 70})
    assert bad.status_code == 400 and "每项评分必须是0到100的整数" in bad.content.decode()
    item.refresh_from_db()
    assert item.score is None and not Event.objects.filter(action="projects.fund.screen").exists()
    ok = client.post(url, {"livelihood": 90, "within_year": 80, "fairness": 70, "note": "民生急需"})
    item.refresh_from_db()
    assert ok.status_code == 302 and item.status == FundItemStatus.SCREENED and item.score is not None
    assert Event.objects.get(action="projects.fund.screen").public
    assert (
        logged_in(people["township"])
        .post(url, {"livelihood": 1, "within_year": 1, "fairness": 1})
        .status_code
        == 403
    )


def test_decide_over_total_is_a_form_error(
    fund: Fund, people: dict[str, Any], suggestions: list[Any]
) -> None:
    office = actor(people["district"])
    items = [
        verify(fund, v, people, cost)
        for v, cost in zip(suggestions, ("200000", "150000", "90000"), strict=True)
    ]
    for item in items:
        do_screen_item(item, livelihood=80, within_year=80, fairness=80, actor=office)
    client = logged_in(people["district"])
    url = f"/projects/fund/{fund.pk}/manage/decide/"
    over = client.post(url, {"items": [items[0].pk, items[1].pk], "note": "主任会议第3次"})
    assert over.status_code == 400
    assert "所选项目合计 350000.00 元，超过专项资金总额 300000.00 元" in over.content.decode()
    assert not FundItem.objects.filter(status=FundItemStatus.CHOSEN).exists()
    assert not Event.objects.filter(action="projects.fund.decide").exists()
    assert logged_in(people["township"]).post(url, {"items": [items[0].pk], "note": "x"}).status_code == 403
    ok = client.post(url, {"items": [items[0].pk, items[2].pk], "note": "主任会议第3次"})
    assert ok.status_code == 302
    assert set(FundItem.objects.filter(status=FundItemStatus.CHOSEN).values_list("pk", flat=True)) == {
        items[0].pk,
        items[2].pk,
    }
    assert Event.objects.get(action="projects.fund.decide").public
    # Decided: the forms are gone and a second decision is refused by the rule.
    page = client.get(f"/projects/fund/{fund.pk}/manage/").content.decode()
    assert "记录主任会议决定" not in page and "/projects/delivery/" in page  # tracking links
    assert client.post(url, {"items": [items[1].pk], "note": "再议"}).status_code == 403


def test_manage_list_constant_queries(fund: Fund, people: dict[str, Any], suggestions: list[Any]) -> None:
    client = logged_in(people["district"])
    counts = []
    for voice in suggestions[:1], suggestions[1:]:
        for v in voice:
            verify(fund, v, people, "1000")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/projects/fund/{fund.pk}/manage/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
