"""P3/P5/P6 pages and API: public lists with constant queries, problem filing, bad input refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minyi.core.actors import Actor
from minyi.projects.delivery.actions import do_open_delivery
from minyi.projects.delivery.models import Delivery, Payment, Problem
from minyi.projects.fund.actions import do_create_fund
from minyi.projects.selfbuild.actions import NeedInput, SelfBuildInput, do_add_need, do_create_selfbuild
from minyi.projects.tests.delivery_support import (  # noqa: F401
    actor,
    delivery_fixture,
    people_fixture,
    voices_setup_fixture,
)


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def queries(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    return len(ctx)


def test_year_list_and_api_have_constant_queries(tree: Any, delivery: Delivery, system: Actor) -> None:
    one_page, one_api = (
        queries("/projects/delivery/year/2026/"),
        queries("/api/v1/projects/deliveries?year=2026"),
    )
    for i, subject in enumerate((tree.community, tree.other_community, tree.station)):
        do_open_delivery(
            subject,
            unit=tree.community,
            title=f"项目{i}",
            budget=Decimal(1000),
            year=2026,
            actor=system,
        )
    assert queries("/projects/delivery/year/2026/") == one_page
    assert queries("/api/v1/projects/deliveries?year=2026") == one_api
    body = Client().get("/projects/delivery/year/2026/").content.decode()
    assert "老旧小区路灯改造" in body and 'role="progressbar"' in body


def test_detail_page_and_problem_filing(
    delivery: Delivery, people: dict[str, Any], voices_setup: Any
) -> None:
    assert Client().get(f"/projects/delivery/{delivery.pk}/").status_code == 200
    assert logged_in(people["resident"]).get(f"/projects/delivery/{delivery.pk}/problem/").status_code == 403
    rep = logged_in(people["rep"])
    response = rep.post(f"/projects/delivery/{delivery.pk}/problem/", {"text": "  "})
    assert "请填写发现的问题" in response.content.decode() and not Problem.objects.exists()
    response = rep.post(f"/projects/delivery/{delivery.pk}/problem/", {"text": "围挡倒塌"})
    assert response.status_code == 200 and Problem.objects.count() == 1
    assert "王*" in Client().get(f"/projects/delivery/{delivery.pk}/").content.decode()


def test_payment_form_without_document_is_refused(delivery: Delivery, people: dict[str, Any]) -> None:
    staff = logged_in(people["township"])
    response = staff.post(
        f"/projects/delivery/{delivery.pk}/manage/",
        {"form": "payment", "amount": "100", "paid_on": "2026-01-05", "payee": "甲", "purpose": "乙"},
        follow=True,
    )
    assert "凭证" in response.content.decode() and not Payment.objects.exists()
    assert (
        logged_in(people["finance"])
        .post(f"/projects/delivery/{delivery.pk}/manage/", {"form": "photo"})
        .status_code
        == 403
    )


def test_api_problem(delivery: Delivery, people: dict[str, Any], voices_setup: Any) -> None:
    url = f"/api/v1/projects/deliveries/{delivery.pk}/problems"
    deputy = logged_in(people["deputy"])
    response = deputy.post(url, json.dumps({"text": " "}), content_type="application/json")
    assert response.status_code in (400, 422) and not Problem.objects.exists()
    response = deputy.post(url, json.dumps({"text": "施工噪音扰民"}), content_type="application/json")
    assert response.status_code == 201 and response.json()["voice_tracking_code"]
    assert Client().get(f"/api/v1/projects/deliveries/{delivery.pk}").json()["progress"] == 0


def test_fund_and_village_pages(tree: Any, people: dict[str, Any]) -> None:
    fund = do_create_fund(
        tree.district,
        year=2026,
        title="2026年代表建议办理专项资金",
        total="7400000",
        actor=actor(people["district"]),
    )
    body = Client().get(f"/projects/fund/{fund.pk}/").content.decode()
    assert "740万元" in body
    assert Client().get(f"/api/v1/projects/funds/{fund.pk}").json()["total"] in (
        "7400000.00",
        7400000.0,
        "7400000",
    )
    round_ = do_create_selfbuild(
        tree.community, SelfBuildInput("村级公共设施", 2026, "100000"), actor=actor(people["village"])
    )
    do_add_need(round_, NeedInput("硬化入户路", "三组入户路泥泞", "60000"), actor=actor(people["village"]))
    assert "村级公共设施" in Client().get(f"/projects/village/{tree.community.pk}/").content.decode()
    body = Client().get(f"/projects/selfbuild/{round_.pk}/").content.decode()
    assert "民议" in body and "硬化入户路" in body
    assert logged_in(people["township"]).get("/projects/delivery/supervision/").status_code == 200


def test_milestone_form_adds_a_scheduled_milestone(delivery: Delivery, people: dict[str, Any]) -> None:
    from minyi.core.models import Event
    from minyi.projects.delivery.models import Milestone

    url = f"/projects/delivery/{delivery.pk}/manage/"
    staff = logged_in(people["township"])
    before = Milestone.objects.filter(delivery=delivery).count()
    assert "添加节点" in staff.get(f"/projects/delivery/{delivery.pk}/").content.decode()
    empty = {"form": "milestone", "title": "基础施工", "planned_start": "", "planned_end": ""}
    bad = staff.post(url, empty, follow=True)
    assert "请填写计划开始和完成日期" in bad.content.decode()
    assert Milestone.objects.filter(delivery=delivery).count() == before
    staff.post(
        url,
        {**empty, "planned_start": "2026-03-01", "planned_end": "2026-04-30", "weight": "2"},
    )
    added = Milestone.objects.filter(delivery=delivery, title="基础施工").get()
    assert added.weight == 2 and Milestone.objects.filter(delivery=delivery).count() == before + 1
    chain = f"projects.milestone:{added.pk}"
    assert Event.objects.filter(chain=chain, action="project_milestone.schedule", public=True).exists()
    refused = logged_in(people["finance"]).post(
        url, {"form": "milestone", "title": "x", "planned_start": "2026-03-01", "planned_end": "2026-04-30"}
    )
    assert refused.status_code == 403 and Milestone.objects.filter(delivery=delivery).count() == before + 1
