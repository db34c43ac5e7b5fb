"""P4 pages, .docx and API: the list for the next assembly (constant queries), figures hidden until
the survey is published, staff steps authorised by scope, bad input shown and nothing written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from minyi.core.actors import Actor
from minyi.projects.effect.actions import run_effect_sweep
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.tests.effect_support import Cast, act, cast_fixture, complete, days_ago, elect  # noqa: F401
from minyi.surveys.actions import do_close_survey, do_publish_survey, do_submit_response
from minyi.surveys.models import RespondentGroup


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def queries(url: str, client: Client | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert (client or Client()).get(url).status_code == 200
    return len(ctx)


def closed_results(tree: Any, cast: Cast, titles: tuple[str, ...]) -> list[EffectEvaluation]:
    """Elect len(titles) − 1 projects, complete them, start, answer (one deputy), close, attach."""
    for project in elect(tree, cast, titles):
        complete(project, cast, days_ago(200))
    started = run_effect_sweep().started
    evaluations = list(
        EffectEvaluation.objects.filter(project__in=started).select_related("survey").order_by("pk")
    )
    for evaluation in evaluations:
        group = RespondentGroup.objects.select_related("survey").get(
            survey=evaluation.survey, name="人大代表"
        )
        answers = {"quality": 5, "usefulness": 4, "maintenance": 4, "overall": "satisfied"}
        do_submit_response(group, answers, actor=Actor(person=cast.deputies[0], role="respondent"))
        do_close_survey(evaluation.survey, actor=act(cast.township))
    assert run_effect_sweep().attached == [e.project_id for e in evaluations]
    return evaluations


def test_assembly_page_lists_results_with_constant_queries(tree: Any, cast: Cast) -> None:
    url = f"/projects/effect/?unit={tree.township.pk}"
    empty = Client().get(url).content.decode()
    assert "暂无待报告的效果评价结果" in empty
    (one,) = closed_results(tree, cast, ("甲", "乙"))
    one_public, one_staff = queries(url), queries(url, logged_in(cast.township))
    body = Client().get(url).content.decode()
    assert "甲" in body and "结果待公布" in body and "100.00%" not in body  # not published yet
    staff_body = logged_in(cast.township).get(url).content.decode()
    assert "100.00%" in staff_body and "登记已向代表大会报告" in staff_body
    do_publish_survey(one.survey, actor=act(cast.township))
    assert "100.00%" in Client().get(url).content.decode()

    more = closed_results(tree, cast, ("丙", "丁", "戊", "己"))
    assert len(more) == 3
    assert queries(url) == one_public
    assert queries(url, logged_in(cast.township)) == one_staff
    api = f"/api/v1/projects/effect-results?unit={tree.township.pk}"
    api_queries = queries(api)
    do_publish_survey(more[0].survey, actor=act(cast.township))
    assert queries(api) == api_queries


def test_docx_lists_the_pending_results(tree: Any, cast: Cast) -> None:
    (evaluation,) = closed_results(tree, cast, ("金沙社区路灯改造", "乙"))
    do_publish_survey(evaluation.survey, actor=act(cast.township))
    response = Client().get(f"/projects/effect/assembly.docx?unit={tree.township.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    (table,) = document.tables
    row = [c.text for c in table.rows[1].cells]
    assert row[1:4] == ["金沙社区路灯改造", "金沙社区", "1"]
    assert row[4] == "100.00%" and row[-2:] == ["100.00%", "满意"]
    assert "提交下一次代表大会" in document.paragraphs[0].text


def test_staff_start_early_from_the_page(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    url = f"/projects/effect/start/{project.pk}/"
    response = logged_in(cast.township).post(url, {"unit": tree.township.pk}, follow=True)
    assert "项目尚未全部完工" in response.content.decode()  # error in the page, nothing written
    assert not EffectEvaluation.objects.exists()
    complete(project, cast, days_ago(3))
    page = logged_in(cast.township).get(f"/projects/effect/?unit={tree.township.pk}").content.decode()
    assert "提前发起评价" in page
    assert logged_in(cast.outsider).post(url).status_code == 403
    assert logged_in(cast.resident).post(url).status_code == 403
    assert Client().post(url).status_code == 302  # to the login page
    assert not EffectEvaluation.objects.exists()
    response = logged_in(cast.township).post(url, {"unit": tree.township.pk})
    assert response.status_code == 302 and EffectEvaluation.objects.get().project == project


def test_report_form_marks_results_reported(tree: Any, cast: Cast) -> None:
    (evaluation,) = closed_results(tree, cast, ("甲", "乙"))
    url = "/projects/effect/report/"
    data = {"unit": tree.township.pk, "evaluation": [evaluation.pk], "assembly": ""}
    response = logged_in(cast.township).post(url, data, follow=True)
    assert "请填写报告的会议名称" in response.content.decode()
    assert logged_in(cast.village).post(url, data | {"assembly": "会议"}).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.reported_at is None
    logged_in(cast.township).post(url, data | {"assembly": "青云街道第三届人民代表大会第五次会议"})
    evaluation.refresh_from_db()
    assert evaluation.assembly == "青云街道第三届人民代表大会第五次会议"
    api = Client().get(f"/api/v1/projects/effect-results?unit={tree.township.pk}&state=reported").json()
    assert [r["assembly"] for r in api["items"]] == ["青云街道第三届人民代表大会第五次会议"]


def test_api_hides_figures_until_published_and_starts_for_staff(tree: Any, cast: Cast) -> None:
    (evaluation,) = closed_results(tree, cast, ("甲", "乙"))
    url = f"/api/v1/projects/effect-results?unit={tree.township.pk}"
    (row,) = Client().get(url).json()["items"]
    assert row["project_id"] == evaluation.project_id and row["published"] is False
    assert row["satisfaction_rate"] is None and row["shares"] == {}
    (staff_row,) = logged_in(cast.township).get(url).json()["items"]
    assert staff_row["satisfaction_rate"] == "100.00" and staff_row["grade"] == "satisfied"
    assert staff_row["shares"]["satisfied"] == "100.00"
    assert Client().get("/api/v1/projects/effect-results?unit=999999").status_code == 404
    assert Client().get("/api/v1/projects/effect-results?state=nonsense").status_code == 422

    (later,) = elect(tree, cast, ("丙", "丁"))
    complete(later, cast, days_ago(1))
    start = f"/api/v1/projects/projects/{later.pk}/effect-evaluation"
    assert logged_in(cast.resident).post(start).status_code == 403
    response = logged_in(cast.township).post(start)
    assert response.status_code == 201 and response.json()["project_id"] == later.pk
    again = logged_in(cast.township).post(start)
    assert again.status_code == 409 and again.json()["code"] == "effect_evaluation_exists"


def test_delivery_page_shows_the_attached_result(tree: Any, cast: Cast) -> None:
    from minyi.projects.delivery.actions import delivery_of

    (evaluation,) = closed_results(tree, cast, ("甲", "乙"))
    delivery = delivery_of(evaluation.project)
    assert delivery is not None
    url = f"/projects/delivery/{delivery.pk}/"
    assert "结果待公布" in Client().get(url).content.decode()
    do_publish_survey(evaluation.survey, actor=act(cast.township))
    body = Client().get(url).content.decode()
    assert "效果评价" in body and "100.00%" in body and "满意" in body


def test_assembly_page_in_english(tree: Any, cast: Cast) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/projects/effect/?unit={tree.township.pk}").content.decode()
    assert "Results for the next deputies' assembly" in body
    assert "No effect evaluation results waiting to be reported." in body


def test_page_shows_when_an_open_survey_closes_by_itself(tree: Any, cast: Cast) -> None:
    (project,) = elect(tree, cast)
    complete(project, cast, days_ago(200))
    run_effect_sweep()
    evaluation = EffectEvaluation.objects.get(project=project)
    assert evaluation.closes_on == timezone.localdate(evaluation.started_at) + dt.timedelta(days=30)
    page = logged_in(cast.township).get(f"/projects/effect/?unit={tree.township.pk}").content.decode()
    day = evaluation.closes_on
    assert f"自动截止 {day.year}年{day.month}月{day.day}日" in page
