"""Pages: the mobile response page (no JS needed), staff building and lifecycle, results, export, API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minyi.surveys.actions import do_close_survey, do_open_survey, do_publish_survey, do_submit_response
from minyi.surveys.models import Question, RespondentGroup, Response, Survey
from minyi.surveys.tests.conftest import good_answers, respondent, staff_actor


def form_data(**override: Any) -> dict[str, Any]:
    data = {
        "q_q1": "2",
        "q_q2": ["1", "3"],
        "q_q3": "4",
        "q_q4": "80",
        "q_q5_1": "1",
        "q_q5_2": "2",
        "q_q6": "好",
    }
    data.update(override)
    return data


@pytest.fixture
def opened(make_survey: Any, staff: Any) -> Survey:
    return do_open_survey(make_survey(), actor=staff_actor(staff))


def link(survey: Survey, name: str) -> str:
    return reverse("surveys:respond", args=[RespondentGroup.objects.get(survey=survey, name=name).token])


def test_open_link_page_and_submit_without_login(opened: Survey) -> None:
    client = Client()
    url = link(opened, "受益群众")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "第 1 题，共 6 题" in html and 'type="radio"' in html and "minyi_device" in page.cookies
    done = client.post(url, form_data())
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    assert Response.objects.count() == 1
    again = client.post(url, form_data())
    assert again.status_code == 409 and "已经提交过" in again.content.decode()
    assert Response.objects.count() == 1


def test_bad_answers_shown_per_card_and_kept(opened: Survey) -> None:
    client = Client()
    url = link(opened, "受益群众")
    client.get(url)
    page = client.post(url, form_data(q_q3="9", q_q2=["1", "2", "3"]))
    assert page.status_code == 400
    html = page.content.decode()
    assert "评分须在 1 到 5 之间" in html and "最多选择 2 项" in html
    assert 'value="2" checked' in html  # q1's answer is kept
    assert Response.objects.count() == 0


def test_invited_link_needs_login_and_invitation(opened: Survey, reps: list, deputies: list) -> None:
    client = Client()
    url = link(opened, "居民代表")
    assert "请先登录" in client.get(url).content.decode()
    client.force_login(deputies[0])
    assert client.post(url, form_data()).status_code == 403
    client.force_login(reps[0])
    assert client.post(url, form_data()).status_code == 302
    assert "已经提交过答卷" in client.get(url).content.decode()


def test_draft_link_is_not_found(make_survey: Any) -> None:
    survey = make_survey()
    assert Client().get(link(survey, "受益群众")).status_code == 404


def test_staff_build_open_close_publish(tree: Any, staff: Any, reps: list) -> None:
    client = Client()
    client.force_login(staff)
    created = client.post(
        reverse("surveys:create"),
        {"unit": tree.community.pk, "title": "加装电梯意见调查", "anonymity": "anonymous", "description": ""},
    )
    survey = Survey.objects.get()
    assert created["Location"] == reverse("surveys:manage", args=[survey.pk])
    bad = client.post(
        reverse("surveys:add_question", args=[survey.pk]),
        {"kind": "single", "text": "是否同意", "options": "同意"},
    )
    assert bad.status_code == 400 and "至少需要两个选项" in bad.content.decode()
    client.post(
        reverse("surveys:add_question", args=[survey.pk]),
        {"kind": "single", "text": "是否同意", "options": "同意\n不同意", "required": "on"},
    )
    client.post(
        reverse("surveys:add_group", args=[survey.pk]), {"name": "居民", "weight": "1", "access": "invited"}
    )
    group = RespondentGroup.objects.get(survey=survey)
    client.post(reverse("surveys:invite", args=[survey.pk, group.pk]), {"people": reps[0].username})
    assert client.post(reverse("surveys:step", args=[survey.pk, "publish"])).status_code == 409
    client.post(reverse("surveys:step", args=[survey.pk, "open"]))
    survey.refresh_from_db()
    assert survey.state == "open" and Question.objects.filter(survey=survey).count() == 1
    page = client.get(reverse("surveys:manage", args=[survey.pk]))
    assert group.token in page.content.decode()
    qr = client.get(reverse("surveys:qr", args=[survey.pk, group.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    client.post(reverse("surveys:step", args=[survey.pk, "close"]))
    client.post(reverse("surveys:step", args=[survey.pk, "publish"]))
    survey.refresh_from_db()
    assert survey.state == "published"


def test_wrong_role_and_scope_refused(opened: Survey, tree: Any, make_person: Any, reps: list) -> None:
    client = Client()
    other = make_person("community_staff", tree.other_community)
    handler = make_person("department_handler", tree.community)
    for person in (other, handler, reps[0]):
        client.force_login(person)
        assert client.get(reverse("surveys:manage", args=[opened.pk])).status_code == 403
        assert client.post(reverse("surveys:step", args=[opened.pk, "close"])).status_code == 403
        assert client.get(reverse("surveys:export", args=[opened.pk])).status_code == 403
        assert client.get(reverse("surveys:results", args=[opened.pk])).status_code == 403
    opened.refresh_from_db()
    assert opened.state == "open"


def test_results_page_and_export(opened: Survey, staff: Any, reps: list) -> None:
    group = RespondentGroup.objects.select_related("survey").get(survey=opened, name="居民代表")
    do_submit_response(group, good_answers(), actor=respondent(reps[0]))
    survey = do_publish_survey(do_close_survey(opened, actor=staff_actor(staff)), actor=staff_actor(staff))
    public = Client().get(reverse("surveys:results", args=[survey.pk]))
    html = public.content.decode()
    assert public.status_code == 200 and "echarts.min.js" in html and "加权总体" in html
    assert "楼道灯常坏" not in html  # open-text comments only for the staff who ran it
    charts = json.loads(html.split('id="survey-charts" type="application/json">')[1].split("</script>")[0])
    assert {c["id"] for c in charts} == {"chart-q1", "chart-q2", "chart-q3", "chart-q4", "chart-q5"}
    client = Client()
    client.force_login(staff)
    assert "楼道灯常坏" in client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    export = client.get(reverse("surveys:export", args=[survey.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_index_constant_queries(make_survey: Any, staff: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    client.force_login(staff)
    make_survey()
    client.get(reverse("surveys:index"))
    with django_assert_num_queries(4) as first:
        client.get(reverse("surveys:index"))
    make_survey()
    make_survey()
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("surveys:index"))
    assert page.content.decode().count("老旧小区改造满意度调查") == 3


def test_api_form_respond_results(opened: Survey, staff: Any, reps: list) -> None:
    client = Client()
    token = RespondentGroup.objects.get(survey=opened, name="受益群众").token
    form = client.get(f"/api/v1/surveys/respond/{token}")
    assert form.status_code == 200 and [q["key"] for q in form.json()["questions"]][:2] == ["q1", "q2"]
    body = {"answers": good_answers(), "device_key": "api-device"}
    ok = client.post(f"/api/v1/surveys/respond/{token}", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["answered"] == 6
    again = client.post(f"/api/v1/surveys/respond/{token}", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_responded"
    bad = client.post(
        f"/api/v1/surveys/respond/{token}",
        {"answers": good_answers(q3=7), "device_key": "other"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "rating_out_of_scale"
    assert bad.json()["details"]["errors"] == {"q3": "评分须在 1 到 5 之间"}
    assert client.get(f"/api/v1/surveys/{opened.pk}/results").status_code == 404
    staff_client = Client()
    staff_client.force_login(staff)
    results = staff_client.get(f"/api/v1/surveys/{opened.pk}/results")
    assert results.status_code == 200 and results.json()["responses"] == 1
    listed = staff_client.get("/api/v1/surveys")
    assert [s["id"] for s in listed.json()["items"]] == [opened.pk]
    assert Client().get("/api/v1/surveys").json()["count"] == 0
