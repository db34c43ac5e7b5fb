"""P5 staff page: the five stages through their forms, villagers voting on the vote page, documents
required, findings by finance/audit; wrong roles and wrong stages refused; bad posts write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minyi.core.models import Event
from minyi.projects.delivery.models import Delivery, Finding, Milestone, Payment
from minyi.projects.selfbuild.actions import deliveries_of, stage
from minyi.projects.selfbuild.models import MaintenanceEntry, Need, Procurement, SelfBuildRound
from minyi.projects.tests.delivery_support import TODAY, actor, pdf, people_fixture  # noqa: F401
from minyi.projects.tests.test_selfbuild_actions import start

pytestmark = pytest.mark.django_db


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def villagers(make_person: Any, tree: Any) -> list[Any]:
    return [make_person("resident", tree.community, name=f"村民{i}") for i in range(5)]


def url(round_: SelfBuildRound, name: str = "") -> str:
    return f"/projects/selfbuild/{round_.pk}/manage/{name + '/' if name else ''}"


def test_create_page(tree: Any, people: dict[str, Any]) -> None:
    client = logged_in(people["village"])
    new = f"/projects/village/{tree.community.pk}/selfbuild/new/"
    assert client.get(new).status_code == 200
    bad = client.post(new, {"title": "村级设施", "year": 2026, "budget": "abc"})
    assert bad.status_code == 400 and "金额必须是数字" in bad.content.decode()
    assert not SelfBuildRound.objects.exists()
    ok = client.post(new, {"title": "村级设施", "year": 2026, "budget": "100000"})
    round_ = SelfBuildRound.objects.get()
    assert ok.status_code == 302 and ok["Location"] == url(round_)
    for who in ("township", "resident", "finance"):
        assert logged_in(people[who]).get(new).status_code == 403
    assert "新建村民自建项目" in client.get(f"/projects/village/{tree.community.pk}/").content.decode()


def test_discuss_stage(tree: Any, people: dict[str, Any], make_person: Any) -> None:
    round_ = start(tree, people)
    client = logged_in(people["village"])
    page = client.get(url(round_)).content.decode()
    assert "民议：收集需求" in page and "民定：村民会议票决" not in page
    needs = Need.objects.count()
    bad = client.post(url(round_, "need"), {"need-title": "", "need-description": "x", "need-cost": "100"})
    assert (
        bad.status_code == 400 and "请填写项目名称" in bad.content.decode() and Need.objects.count() == needs
    )
    ok = client.post(
        url(round_, "need"), {"need-title": "文化墙", "need-description": "村口", "need-cost": "8000"}
    )
    assert ok.status_code == 302 and Event.objects.filter(action="projects.selfbuild.need").count() == 4
    bad = client.post(
        url(round_, "discussion"),
        {"discussion-record": "", "discussion-held_on": TODAY.isoformat(), "discussion-attendance": 30},
    )
    assert bad.status_code == 400 and "请填写议事会议记录" in bad.content.decode()
    assert stage(round_) == "discussing"
    # Wrong stage, wrong role, another village: refused by the rules.
    assert client.post(url(round_, "decide"), {"decide-committee": "张三"}).status_code == 403
    for person in (
        people["resident"],
        people["township"],
        make_person("community_staff", tree.other_community),
    ):
        assert logged_in(person).post(url(round_, "need"), {"need-title": "x"}).status_code == 403
    assert logged_in(people["resident"]).get(url(round_)).status_code == 403
    ok = client.post(
        url(round_, "discussion"),
        {
            "discussion-record": "院坝会讨论四项需求",
            "discussion-held_on": TODAY.isoformat(),
            "discussion-attendance": 30,
        },
    )
    assert ok.status_code == 302 and stage(round_) == "deciding"
    assert Event.objects.filter(action="village_selfbuild.record_discussion").exists()


def test_five_stages_through_the_pages(tree: Any, people: dict[str, Any], villagers: list[Any]) -> None:
    round_ = start(tree, people)
    client = logged_in(people["village"])
    client.post(
        url(round_, "discussion"),
        {"discussion-record": "院坝会", "discussion-held_on": TODAY.isoformat(), "discussion-attendance": 30},
    )
    # 民定: the electorate and those present by user name; an unknown name is a form error.
    names = "\n".join(v.username for v in villagers)
    bad = client.post(
        url(round_, "decision_vote"),
        {"decision_vote-electorate": names + "\nnobody", "decision_vote-present": names},
    )
    assert bad.status_code == 400 and "找不到以下人员：nobody" in bad.content.decode()
    ok = client.post(
        url(round_, "decision_vote"), {"decision_vote-electorate": names, "decision_vote-present": names}
    )
    assert ok.status_code == 302
    round_.refresh_from_db()
    assert "村民投票页面" in client.get(url(round_)).content.decode()
    needs = {n.title: str(n.pk) for n in round_.needs.all()}
    for villager in villagers:
        ballot = logged_in(villager).post(
            f"/projects/selfbuild/{round_.pk}/vote/", {"choice": [needs["硬化入户路"], needs["修缮蓄水池"]]}
        )
        assert "回执码" in ballot.content.decode()
    assert client.post(url(round_, "decide"), {"decide-committee": " "}).status_code == 400
    assert client.post(url(round_, "decide"), {"decide-committee": "张三、李四"}).status_code == 302
    assert stage(round_) == "building" and Event.objects.get(action="projects.selfbuild.decided").public
    # 民建: no document, no disclosure.
    road = Need.objects.get(title="硬化入户路")
    post = {
        "procurement-need": road.pk,
        "procurement-kind": "contract",
        "procurement-supplier": "村施工队",
        "procurement-amount": "58000",
    }
    bad = client.post(url(round_, "procurement"), post)
    assert bad.status_code == 400 and "报价单或合同必须上传文件" in bad.content.decode()
    assert not Procurement.objects.exists()
    assert client.post(url(round_, "procurement"), {**post, "procurement-document": pdf()}).status_code == 302
    assert Event.objects.get(action="projects.selfbuild.procurement").public
    delivery = Delivery.objects.get(subject_type="projects.need", subject_id=str(road.pk))
    pay = {
        "payment-delivery": delivery.pk,
        "payment-amount": "58000",
        "payment-paid_on": TODAY.isoformat(),
        "payment-payee": "村施工队",
        "payment-purpose": "工程款",
    }
    bad = client.post(url(round_, "payment"), pay)
    assert (
        bad.status_code == 400
        and "每笔支付都必须上传凭证" in bad.content.decode()
        and not Payment.objects.exists()
    )
    assert client.post(url(round_, "payment"), {**pay, "payment-document": pdf()}).status_code == 302
    assert Event.objects.get(action="projects.delivery.payment").public
    unfinished = client.post(url(round_, "finish"))
    assert unfinished.status_code == 409 and "尚未完工" in unfinished.content.decode()
    # Milestones through the page: a bad date range is refused, then each chosen need gets one, completed.
    today = timezone.localdate().isoformat()
    for built in deliveries_of(round_):  # the road and the pool were both chosen
        milestone = {
            "milestone-delivery": built.pk,
            "milestone-title": "施工",
            "milestone-planned_start": TODAY.isoformat(),
            "milestone-planned_end": (TODAY - dt.timedelta(days=1)).isoformat(),
            "milestone-weight": 1,
        }
        bad = client.post(url(round_, "milestone"), milestone)
        assert bad.status_code == 400 and "计划完成日期不能早于计划开始日期" in bad.content.decode()
        milestone["milestone-planned_end"] = (TODAY + dt.timedelta(days=30)).isoformat()
        assert client.post(url(round_, "milestone"), milestone).status_code == 302
        added = Milestone.objects.get(delivery=built)
        done = client.post(
            url(round_, "complete"), {"complete-milestone": added.pk, "complete-actual_end": today}
        )
        assert done.status_code == 302
    assert Event.objects.filter(action="project_milestone.complete").count() == 2
    assert client.post(url(round_, "finish")).status_code == 302 and stage(round_) == "evaluating"
    # 民评: acceptance vote on the vote page (yes / no), then the caretaker.
    assert (
        client.post(
            url(round_, "acceptance_vote"),
            {"acceptance_vote-electorate": names, "acceptance_vote-present": names},
        ).status_code
        == 302
    )
    for villager in villagers:
        logged_in(villager).post(f"/projects/selfbuild/{round_.pk}/vote/", {"choice": "yes"})
    missing = client.post(url(round_, "conclude"), {"conclude-caretaker": "", "conclude-reason": ""})
    assert missing.status_code == 400 and "验收通过后须明确管护人" in missing.content.decode()
    assert stage(round_) == "evaluating"
    ok = client.post(url(round_, "conclude"), {"conclude-caretaker": villagers[0].username})
    assert ok.status_code == 302 and stage(round_) == "maintaining"
    # 民管: the caretaker keeps the log; a date in the future is refused.
    caretaker = logged_in(villagers[0])
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = caretaker.post(
        url(round_, "maintenance"),
        {"maintenance-kind": "routine", "maintenance-done_on": future, "maintenance-text": "清扫"},
    )
    assert (
        bad.status_code == 400
        and "日期不能晚于今天" in bad.content.decode()
        and not MaintenanceEntry.objects.exists()
    )
    today = timezone.localdate().isoformat()
    ok = caretaker.post(
        url(round_, "maintenance"),
        {"maintenance-kind": "yearly_check", "maintenance-done_on": today, "maintenance-text": "路面完好"},
    )
    assert ok.status_code == 302 and Event.objects.get(action="projects.selfbuild.maintenance").public
    assert (
        logged_in(villagers[1]).post(url(round_, "maintenance"), {"maintenance-kind": "routine"}).status_code
        == 403
    )


def test_findings_by_finance_and_answers(tree: Any, people: dict[str, Any]) -> None:
    round_ = start(tree, people)
    finance = logged_in(people["finance"])
    assert "提出监督意见" in finance.get(url(round_)).content.decode()
    assert finance.post(url(round_, "finding"), {"finding-text": " "}).status_code == 400
    assert not Finding.objects.exists()
    assert finance.post(url(round_, "finding"), {"finding-text": "报价单缺少盖章"}).status_code == 302
    finding = Finding.objects.get()
    assert Event.objects.get(action="projects.finding.raise").public
    assert (
        logged_in(people["resident"]).post(url(round_, "finding"), {"finding-text": "x"}).status_code == 403
    )
    assert (
        finance.post(
            url(round_, "answer"), {"answer-finding": finding.pk, "answer-answer": "已补"}
        ).status_code
        == 403
    )
    village = logged_in(people["village"])
    bad = village.post(url(round_, "answer"), {"answer-finding": finding.pk, "answer-answer": ""})
    assert bad.status_code == 400 and "请填写整改答复" in bad.content.decode()
    assert (
        village.post(
            url(round_, "answer"), {"answer-finding": finding.pk, "answer-answer": "已补盖章"}
        ).status_code
        == 302
    )
    assert Event.objects.filter(action="projects.finding.answer").exists()


def test_manage_page_constant_queries(tree: Any, people: dict[str, Any]) -> None:
    from minyi.projects.selfbuild.actions import NeedInput, do_add_need

    round_ = start(tree, people)
    client = logged_in(people["village"])
    counts = []
    for extra in (0, 4):
        for i in range(extra):
            do_add_need(round_, NeedInput(f"需求{i}", "说明", "1000"), actor=actor(people["village"]))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(round_)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
