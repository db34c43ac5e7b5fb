"""Round staff pages (P1/P2): each form renders for the allowed, refuses the wrong role, writes the public
event on success, and shows the action's refusal as a form error writing nothing on bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minyi.ballots.actions import do_cast_ballot
from minyi.core.models import Event
from minyi.projects.actions.rounds import do_open_vote, do_start_consulting, do_start_screening
from minyi.projects.models import DepartmentOpinion, Project, ProjectStatus, Round, RoundState
from minyi.projects.tests.test_pabulib import generated
from minyi.projects.tests.test_rounds import actor, make_round, recommend, to_shortlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree: Any, make_person: Any) -> Any:
    return make_person("township_staff", tree.township, name="镇干部")


@pytest.fixture
def station(tree: Any, make_person: Any) -> Any:
    return make_person("station_staff", tree.station, name="站长")


@pytest.fixture
def outsider(tree: Any, make_person: Any) -> Any:
    return make_person("township_staff", tree.other_township, name="外镇干部")


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def events(action: str) -> int:
    return Event.objects.filter(action=action).count()


ROUND_POST = {
    "year": "2026",
    "title": "2026年青云街道民生实事项目",
    "selection_rule": "seats",
    "seats": "3",
    "budget": "",
    "tie_rule": "runoff",
    "threshold_numerator": "1",
    "threshold_denominator": "2",
    "threshold_strict": "on",
    "min_votes": "0",
    "mes_completion": "add1_greedy",
}


# ---- create ------------------------------------------------------------------------------------------


def test_create_round_page(tree: Any, staff: Any) -> None:
    client = logged_in(staff)
    page = client.get("/projects/rounds/new/")
    assert page.status_code == 200 and "新建民生实事项目票决轮次" in page.content.decode()
    response = client.post("/projects/rounds/new/", {**ROUND_POST, "unit": tree.township.pk})
    round_ = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/rounds/{round_.pk}/manage/"
    event = Event.objects.get(action="projects.round.create")
    assert event.public and event.data["seats"] == 3


def test_create_round_bad_input_shows_the_action_error(tree: Any, staff: Any) -> None:
    client = logged_in(staff)
    before = Event.objects.count()
    response = client.post(
        "/projects/rounds/new/",
        {**ROUND_POST, "unit": tree.township.pk, "selection_rule": "greedy", "budget": ""},
    )
    assert response.status_code == 400
    assert "请填写估算费用（元）" in response.content.decode()  # the budget is required for a budget rule
    assert not Round.objects.exists() and Event.objects.count() == before


def test_create_round_refuses_other_roles_and_other_units(tree: Any, make_person: Any, outsider: Any) -> None:
    for role, unit in (
        ("resident", tree.community),
        ("station_staff", tree.station),
        ("deputy", tree.township),
    ):
        assert logged_in(make_person(role, unit)).get("/projects/rounds/new/").status_code == 403
    # Township staff elsewhere: the township is not among the choices, so the form refuses it.
    response = logged_in(outsider).post("/projects/rounds/new/", {**ROUND_POST, "unit": tree.township.pk})
    assert response.status_code == 400 and not Round.objects.exists()
    assert Client().get("/projects/rounds/new/").status_code == 302  # to the login page


# ---- manage page and the steps ---------------------------------------------------------------------


def test_manage_page_only_for_the_round_staff(tree: Any, staff: Any, station: Any, outsider: Any) -> None:
    round_ = make_round(tree, staff)
    assert logged_in(staff).get(f"/projects/rounds/{round_.pk}/manage/").status_code == 200
    for person in (station, outsider):
        assert logged_in(person).get(f"/projects/rounds/{round_.pk}/manage/").status_code == 403
        response = logged_in(person).post(f"/projects/rounds/{round_.pk}/manage/start_screening/")
        assert response.status_code == 403
    round_.refresh_from_db()
    assert round_.state == RoundState.COLLECTING


def test_manage_page_constant_queries(
    tree: Any, staff: Any, station: Any, django_assert_max_num_queries: Any
) -> None:
    counts = []
    for n in (2, 8):
        round_ = make_round(tree, staff, title=f"轮次{n}")
        for i in range(n):
            recommend(round_, station, tree, f"项目{n}-{i}")
        client = logged_in(staff)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/projects/rounds/{round_.pk}/manage/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_steps_write_public_events_and_wrong_state_is_refused(tree: Any, staff: Any, station: Any) -> None:
    round_ = make_round(tree, staff)
    client = logged_in(staff)
    # Consulting is not possible while collecting: the rule refuses, nothing moves.
    assert client.post(f"/projects/rounds/{round_.pk}/manage/start_consulting/").status_code == 403
    recommend(round_, station, tree, "路灯")
    response = client.post(f"/projects/rounds/{round_.pk}/manage/start_screening/")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.SCREENING
    assert Event.objects.filter(action="projects_round.start_screening").exists()
    # A project still unscreened: the action's refusal is shown, nothing moves.
    response = client.post(f"/projects/rounds/{round_.pk}/manage/start_consulting/")
    assert response.status_code == 409 and "还有 1 个项目未筛选" in response.content.decode()
    round_.refresh_from_db()
    assert round_.state == RoundState.SCREENING


def test_cancel_needs_a_reason(tree: Any, staff: Any) -> None:
    round_ = make_round(tree, staff)
    client = logged_in(staff)
    response = client.post(f"/projects/rounds/{round_.pk}/manage/cancel/", {"reason": ""})
    assert response.status_code == 400 and "必须说明理由" in response.content.decode()
    round_.refresh_from_db()
    assert round_.state == RoundState.COLLECTING
    response = client.post(f"/projects/rounds/{round_.pk}/manage/cancel/", {"reason": "并入区级计划"})
    round_.refresh_from_db()
    assert response.status_code == 302 and round_.state == RoundState.CANCELLED
    assert Event.objects.get(action="projects_round.cancel").reason == "并入区级计划"


# ---- screening ---------------------------------------------------------------------------------------


def test_screening_page(tree: Any, staff: Any, station: Any, make_person: Any) -> None:
    round_ = make_round(tree, staff)
    project = recommend(round_, make_person("resident", tree.community), tree, "金沙社区加装路灯")
    do_start_screening(round_, actor=actor(staff))
    client = logged_in(station)
    assert client.get(f"/projects/rounds/{round_.pk}/screen/").status_code == 200
    bad = client.post(
        f"/projects/rounds/{round_.pk}/screen/", {"project": project.pk, "include": "1", "reason": " "}
    )
    assert bad.status_code == 400 and "请填写筛选理由（将公开）" in bad.content.decode()
    assert events("projects.project.screen") == 0
    project.refresh_from_db()
    assert project.status == ProjectStatus.RECOMMENDED
    ok = client.post(
        f"/projects/rounds/{round_.pk}/screen/",
        {"project": project.pk, "include": "0", "reason": "已列入区级计划"},
    )
    assert ok.status_code == 302
    event = Event.objects.get(action="projects.project.screen")
    assert event.public and event.reason == "已列入区级计划"
    # A resident and another township's staff may not screen.
    assert (
        logged_in(make_person("resident", tree.community))
        .get(f"/projects/rounds/{round_.pk}/screen/")
        .status_code
        == 403
    )
    other = make_person("station_staff", tree.other_township)
    assert (
        logged_in(other)
        .post(
            f"/projects/rounds/{round_.pk}/screen/", {"project": project.pk, "include": "1", "reason": "好"}
        )
        .status_code
        == 403
    )


def test_screening_list_constant_queries(tree: Any, staff: Any, station: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 7):
        round_ = make_round(tree, staff, title=f"筛选{n}")
        for i in range(n):
            recommend(round_, station, tree, f"项目{n}-{i}")
        do_start_screening(round_, actor=actor(staff))
        client = logged_in(station)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/projects/rounds/{round_.pk}/screen/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# ---- opinions and shortlist ------------------------------------------------------------------------


def consulting_round(
    tree: Any, staff: Any, station: Any, n: int = 3, seats: int = 2
) -> tuple[Round, list[Project]]:
    from minyi.projects.actions.projects import ScreeningInput, do_screen_project

    round_ = make_round(tree, staff, seats=seats, title=f"征求意见{n}")
    projects = [recommend(round_, station, tree, f"项目{i}") for i in range(n)]
    do_start_screening(round_, actor=actor(staff))
    for p in projects:
        do_screen_project(p, ScreeningInput(include=True, reason="符合条件"), actor=actor(station))
    return do_start_consulting(round_, actor=actor(staff)), projects


def test_opinions_page(tree: Any, staff: Any, station: Any, outsider: Any) -> None:
    round_, projects = consulting_round(tree, staff, station)
    client = logged_in(staff)
    assert client.get(f"/projects/rounds/{round_.pk}/opinions/").status_code == 200
    bad = client.post(
        f"/projects/rounds/{round_.pk}/opinions/",
        {"project": projects[0].pk, "department": tree.department.pk, "stance": "support", "text": ""},
    )
    assert bad.status_code == 400 and "请填写部门意见内容" in bad.content.decode()
    assert not DepartmentOpinion.objects.exists() and events("projects.project.opinion") == 0
    ok = client.post(
        f"/projects/rounds/{round_.pk}/opinions/",
        {
            "project": projects[0].pk,
            "department": tree.department.pk,
            "stance": "conditional",
            "text": "需先完成管网改造",
        },
    )
    assert ok.status_code == 302 and DepartmentOpinion.objects.get().stance == "conditional"
    assert Event.objects.get(action="projects.project.opinion").public
    assert logged_in(station).get(f"/projects/rounds/{round_.pk}/opinions/").status_code == 403
    assert (
        logged_in(outsider)
        .post(
            f"/projects/rounds/{round_.pk}/opinions/",
            {
                "project": projects[0].pk,
                "department": tree.department.pk,
                "stance": "support",
                "text": "同意",
            },
        )
        .status_code
        == 403
    )


def test_opinions_list_constant_queries(tree: Any, staff: Any, station: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minyi.projects.actions.projects import do_record_opinion

    counts = []
    for n in (2, 6):
        round_, projects = consulting_round(tree, staff, station, n=n, seats=1)
        for p in projects:
            do_record_opinion(p, tree.department, "support", "同意", actor=actor(staff))
        client = logged_in(staff)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/projects/rounds/{round_.pk}/opinions/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_shortlist_not_larger_than_seats_is_a_form_error(tree: Any, staff: Any, station: Any) -> None:
    round_, projects = consulting_round(tree, staff, station, n=3, seats=2)
    client = logged_in(staff)
    bad = client.post(
        f"/projects/rounds/{round_.pk}/manage/shortlist/", {"projects": [p.pk for p in projects[:2]]}
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "候选项目 2 个，必须多于项目名额 2 个（差额票决）" in text
    round_.refresh_from_db()
    assert round_.state == RoundState.CONSULTING and events("projects.round.shortlist") == 0
    ok = client.post(
        f"/projects/rounds/{round_.pk}/manage/shortlist/", {"projects": [p.pk for p in projects]}
    )
    round_.refresh_from_db()
    assert ok.status_code == 302 and round_.state == RoundState.SHORTLISTED
    assert Event.objects.get(action="projects.round.shortlist").public


# ---- the vote ------------------------------------------------------------------------------------------


def test_open_close_publish(tree: Any, staff: Any, station: Any, make_person: Any) -> None:
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(3)]
    round_, (a, b, c) = to_shortlist(make_round(tree, staff), tree, staff, station, ["甲", "乙", "丙"])
    client = logged_in(staff)
    assert client.post(f"/projects/rounds/{round_.pk}/manage/publish/").status_code == 403  # not counted
    assert client.post(f"/projects/rounds/{round_.pk}/manage/open_vote/").status_code == 302
    round_.refresh_from_db()
    assert (
        round_.state == RoundState.VOTING and Event.objects.filter(action="projects.round.vote_open").exists()
    )
    assert (
        logged_in(deputies[0]).get(f"/projects/rounds/{round_.pk}/").content.decode().count("参加票决") == 1
    )
    for deputy in deputies:
        do_cast_ballot(round_.poll, [str(a.pk), str(b.pk)], actor=actor(deputy))
    assert logged_in(deputies[0]).post(f"/projects/rounds/{round_.pk}/manage/close_vote/").status_code == 403
    assert client.post(f"/projects/rounds/{round_.pk}/manage/close_vote/").status_code == 302
    assert Event.objects.filter(action="projects.round.count").exists()
    assert client.post(f"/projects/rounds/{round_.pk}/manage/publish/").status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED
    assert Event.objects.get(action="projects.round.publish").public
    page = client.get(f"/projects/rounds/{round_.pk}/manage/").content.decode()
    assert "export.pb" in page


def test_open_vote_without_deputies_shows_the_error(tree: Any, staff: Any, station: Any) -> None:
    round_, _projects = to_shortlist(make_round(tree, staff), tree, staff, station, ["甲", "乙", "丙"])
    response = logged_in(staff).post(f"/projects/rounds/{round_.pk}/manage/open_vote/")
    assert response.status_code in (400, 409) and 'class="form-error"' in response.content.decode()
    round_.refresh_from_db()
    assert round_.state == RoundState.SHORTLISTED and events("projects.round.vote_open") == 0


# ---- pabulib ----------------------------------------------------------------------------------------


def budget_round(tree: Any, staff: Any) -> Round:
    return make_round(tree, staff, selection_rule="greedy", budget="100000", title="预算票决")


def test_import_pb_page(tree: Any, staff: Any) -> None:
    round_ = budget_round(tree, staff)
    client = logged_in(staff)
    page = client.get(f"/projects/rounds/{round_.pk}/manage/").content.decode()
    assert "导入 pabulib 文件" in page
    upload = SimpleUploadedFile(
        "r.pb", generated(3, projects=6, voters=40).encode(), content_type="text/plain"
    )
    response = client.post(f"/projects/rounds/{round_.pk}/manage/import/", {"file": upload})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.VOTING and Project.objects.filter(round=round_).count() == 6
    assert Event.objects.filter(action="projects.round.import").exists()
    assert client.post(f"/projects/rounds/{round_.pk}/manage/publish/").status_code == 302


def test_import_bad_pb_lists_every_problem_and_writes_nothing(
    tree: Any, staff: Any, make_person: Any
) -> None:
    round_ = budget_round(tree, staff)
    # num_projects says 5 for 4 rows, and one ballot names an unknown project 999.
    bad = generated(3, projects=4, voters=10).replace("num_projects;4", "num_projects;5") + "x1;999\n"
    before = Event.objects.count()
    response = logged_in(staff).post(
        f"/projects/rounds/{round_.pk}/manage/import/",
        {"file": SimpleUploadedFile("bad.pb", bad.encode(), content_type="text/plain")},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("未导入任何内容") == 1 and "999" in html  # the headline once, then one line a problem
    assert html.count('class="field-error"') >= 2  # one line per problem
    assert not Project.objects.exists() and Event.objects.count() == before
    # Not a manager of this round: refused before reading the file.
    resident = make_person("resident", tree.community)
    assert logged_in(resident).post(f"/projects/rounds/{round_.pk}/manage/import/", {}).status_code == 403


def test_wrong_step_name_is_not_found(tree: Any, staff: Any) -> None:
    round_ = make_round(tree, staff)
    assert logged_in(staff).post(f"/projects/rounds/{round_.pk}/manage/nothing/").status_code == 404


def test_runoff_button_after_a_tie(tree: Any, staff: Any, station: Any, make_person: Any) -> None:
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(2)]
    round_, (a, b, c) = to_shortlist(
        make_round(tree, staff, seats=1, title="并列"), tree, staff, station, ["甲", "乙", "丙"]
    )
    round_ = do_open_vote(round_, actor=actor(staff))
    do_cast_ballot(round_.poll, [str(a.pk)], actor=actor(deputies[0]))
    do_cast_ballot(round_.poll, [str(b.pk)], actor=actor(deputies[1]))
    client = logged_in(staff)
    assert client.post(f"/projects/rounds/{round_.pk}/manage/close_vote/").status_code == 302
    round_.refresh_from_db()
    page = client.get(f"/projects/rounds/{round_.pk}/manage/").content.decode()
    assert round_.result["runoff"]
    assert "开始第二轮票决" in page and "公布结果" not in page
    assert client.post(f"/projects/rounds/{round_.pk}/manage/publish/").status_code == 403
    assert client.post(f"/projects/rounds/{round_.pk}/manage/open_vote/").status_code == 302
    round_.refresh_from_db()
    assert round_.poll_id != round_.first_poll_id


def test_pages_and_form_errors_in_english(tree: Any, staff: Any, station: Any) -> None:
    round_, projects = consulting_round(tree, staff, station, n=3, seats=2)
    client = logged_in(staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/projects/rounds/{round_.pk}/manage/").content.decode()
    assert "Fix the shortlist" in page and "2. Departments' opinions and the shortlist" in page
    bad = client.post(f"/projects/rounds/{round_.pk}/manage/shortlist/", {"projects": [projects[0].pk]})
    assert "there must be more candidates than the 2 seats" in bad.content.decode()
    assert "New livelihood-project round" in client.get("/projects/rounds/new/").content.decode()


# ---- a voice turned into a recommendation (P1) ---------------------------------------------------------


def test_voice_becomes_a_recommendation_from_the_round_page(tree: Any, staff: Any, outsider: Any) -> None:
    from minyi.voices.tests.handling_support import register_voice

    round_ = make_round(tree, staff)
    voice = register_voice(tree.community, title="小区门口道路坑洼积水")
    elsewhere = register_voice(tree.other_community, title="外镇的事项")
    client = logged_in(staff)
    assert "民情事项转为推荐项目" in client.get(f"/projects/rounds/{round_.pk}/manage/").content.decode()
    url = f"/projects/rounds/{round_.pk}/manage/from_voice/"
    # An unknown number, and an item outside the officer's scope, are the same form error; nothing written.
    for code in ("MY-2026-999999", elsewhere.tracking_code):
        response = client.post(url, {"tracking_code": code, "cost": "860000"})
        assert response.status_code == 400 and "找不到该编号的民情事项" in response.content.decode()
    assert not Project.objects.exists() and events("projects.project.from_voice") == 0
    response = client.post(url, {"tracking_code": voice.tracking_code.lower(), "cost": "860000"})
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.voice == voice and project.round == round_ and project.cost == 860000
    assert events("projects.project.from_voice") == 1
    # The same item twice is refused; another township's officer may not use the round's page.
    again = client.post(url, {"tracking_code": voice.tracking_code, "cost": "860000"})
    assert again.status_code == 409 and Project.objects.count() == 1
    assert logged_in(outsider).post(url, {"tracking_code": voice.tracking_code, "cost": "1"}).status_code == 403
