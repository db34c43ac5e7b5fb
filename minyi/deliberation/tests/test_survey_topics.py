"""D4 提议 from residents through questionnaires: the council's topic-collection survey, its answers,
turning answers (one, or several merged) into topics; anonymity kept; permissions; page and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Event, Person
from minyi.deliberation.actions.councils import CouncilInput, do_create_council
from minyi.deliberation.actions.survey_topics import (
    FromSurveyInput,
    do_create_topic_survey,
    do_topic_from_survey_answers,
    numbered,
)
from minyi.deliberation.actions.topics import topic_state
from minyi.deliberation.models import Council, SurveySource, Topic
from minyi.deliberation.tests.conftest import events, member_actor, staff_actor
from minyi.surveys.actions import do_close_survey, do_submit_response
from minyi.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Minyi-2026"

ANSWERS = [
    {"topic": "3栋路灯坏了", "area": "environment", "detail": "晚上看不见台阶"},
    {"topic": "希望增设老年食堂", "area": "services", "detail": ""},
    {"topic": "路灯太暗", "area": "environment", "detail": "5栋门口"},
]


def login(person: Person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


def answer(survey: Survey, values: dict[str, str], person: Person | None = None, key: str = "") -> None:
    group = survey.groups.get()
    do_submit_response(
        group,
        {k: v for k, v in values.items() if v},
        actor=Actor(person=person, role="respondent"),
        device_key=key or f"device-{Response.objects.count()}-{values['topic']}",
    )


def collected(council: Council, staff: Person, people: list[Person] | None = None, **kw: Any) -> Survey:
    """A topic-collection survey answered three times, then closed."""
    survey = do_create_topic_survey(council, title="2026年议题征集", actor=staff_actor(staff), **kw)
    for i, values in enumerate(ANSWERS):
        answer(survey, values, person=people[i] if people else None)
    return do_close_survey(survey, actor=staff_actor(staff))


def by_topic(survey: Survey) -> dict[str, tuple[int, Response]]:
    """Answer text → (第N份, response), in the order the council page numbers them."""
    ordered = numbered(survey, list(Response.objects.filter(survey=survey)))
    found = {}
    for n, response in enumerate(ordered, start=1):
        text = response.answers.get(question__key="topic").text
        found[text] = (n, response)
    return found


def test_staff_create_the_councils_topic_questionnaire(council: Council, staff: Person) -> None:
    survey = do_create_topic_survey(council, title="2026年议题征集", actor=staff_actor(staff))
    assert (survey.subject_type, survey.subject_id) == ("deliberation.council", str(council.pk))
    assert survey.state == "open" and survey.is_anonymous and survey.unit == council.unit
    keys = {q.key: q for q in survey.questions.all()}
    assert set(keys) == {"topic", "area", "detail"}
    assert keys["topic"].text == "你希望议事会讨论什么问题" and keys["topic"].required
    assert [k for k, _label in keys["area"].options] == [
        "party",
        "services",
        "environment",
        "daily_life",
        "culture",
        "security",
        "community",
        "integrity",
    ]
    group = survey.groups.get()
    assert group.access == "open" and group.token
    assert Event.objects.filter(chain=f"surveys.survey:{survey.pk}", action="surveys.survey.open").exists()


def test_only_the_councils_staff_create_it_and_nothing_is_written(
    council: Council, members: list[Person], tree: Any, make_person: Any
) -> None:
    outsiders = [
        member_actor(members[0]),
        Actor(person=make_person("resident", tree.community)),
        staff_actor(make_person("community_staff", tree.other_community)),
        Actor(person=make_person("township_staff", tree.township), role="township_staff"),
    ]
    for actor in outsiders:
        with pytest.raises(ActionError) as error:
            do_create_topic_survey(council, title="征集", actor=actor)
        assert error.value.code == "not_permitted" and error.value.status == 403
    assert not Survey.objects.exists()


def test_merged_answers_become_one_topic_with_the_link_and_public_event(
    council: Council, staff: Person, tree: Any, make_person: Any
) -> None:
    residents = [make_person("resident", tree.community, name=f"居民{i}") for i in range(3)]
    survey = collected(council, staff, residents)  # anonymous, answered by signed-in residents
    found = by_topic(survey)
    lamps = [found["3栋路灯坏了"], found["路灯太暗"]]
    topic = do_topic_from_survey_answers(
        council,
        FromSurveyInput(responses=[r for _n, r in lamps], title="小区路灯维修"),
        actor=staff_actor(staff),
    )
    numbers = sorted(n for n, _r in lamps)
    assert topic.source == "survey" and topic.title == "小区路灯维修" and topic.area == "environment"
    assert topic_state(topic) == "proposed"
    assert topic.proposer is None  # anonymous: no respondent leaks into the topic
    assert [(s.survey_id, s.number) for s in topic.survey_sources.all()] == [(survey.pk, n) for n in numbers]
    assert f"第{numbers[0]}份答卷：" in topic.description and "晚上看不见台阶" in topic.description
    (event,) = events(topic, "deliberation.topic.from_survey")
    assert event.public and event.data == {
        "survey": survey.pk,
        "survey_title": "2026年议题征集",
        "answers": numbers,
    }
    # No respondent anywhere on the topic's chain.
    for e in events(topic):
        assert e.actor_id not in {p.pk for p in residents}
        assert all(p.name not in str(e.data) for p in residents)


def test_the_same_answer_cannot_become_two_topics(council: Council, staff: Person) -> None:
    survey = collected(council, staff)
    found = by_topic(survey)
    do_topic_from_survey_answers(
        council, FromSurveyInput(responses=[found["路灯太暗"][1]]), actor=staff_actor(staff)
    )
    before = (Topic.objects.count(), SurveySource.objects.count(), Event.objects.count())
    with pytest.raises(ActionError) as error:
        do_topic_from_survey_answers(
            council,
            FromSurveyInput(responses=[found["3栋路灯坏了"][1], found["路灯太暗"][1]]),
            actor=staff_actor(staff),
        )
    assert error.value.code == "answer_has_topic" and error.value.status == 409
    assert error.value.details["numbers"] == [found["路灯太暗"][0]]
    assert (Topic.objects.count(), SurveySource.objects.count(), Event.objects.count()) == before


def test_answers_are_converted_only_after_closing_and_only_from_the_councils_survey(
    council: Council, staff: Person, tree: Any, system: Actor
) -> None:
    survey = do_create_topic_survey(council, title="征集", actor=staff_actor(staff))
    answer(survey, ANSWERS[0])
    with pytest.raises(ActionError) as error:
        do_topic_from_survey_answers(
            council, FromSurveyInput(responses=list(survey.responses.all())), actor=staff_actor(staff)
        )
    assert error.value.code == "survey_not_closed" and error.value.status == 409
    do_close_survey(survey, actor=staff_actor(staff))
    unit = do_create_unit(UnitInput(name="坝坝会", kind="council"), tree.community, actor=system)
    other = do_create_council(CouncilInput(unit=unit, name="坝坝会", kind="courtyard"), actor=system)
    with pytest.raises(ActionError) as error:
        do_topic_from_survey_answers(
            other, FromSurveyInput(responses=list(survey.responses.all())), actor=staff_actor(staff)
        )
    assert error.value.code == "survey_other_council"
    with pytest.raises(ActionError) as error:
        do_topic_from_survey_answers(council, FromSurveyInput(responses=[]), actor=staff_actor(staff))
    assert error.value.code == "answers_required"
    assert not Topic.objects.exists()


def test_a_named_answer_makes_its_respondent_the_masked_proposer(
    council: Council, staff: Person, tree: Any, make_person: Any
) -> None:
    residents = [make_person("resident", tree.community, name=f"王居民{i}") for i in range(3)]
    survey = collected(council, staff, residents, anonymity="named")
    n, response = by_topic(survey)["希望增设老年食堂"]
    topic = do_topic_from_survey_answers(
        council, FromSurveyInput(responses=[response]), actor=staff_actor(staff)
    )
    assert topic.proposer == response.respondent and topic.area == "services"
    page = Client().get(reverse("deliberation:topic", args=[topic.pk])).content.decode()
    assert f"来源：问卷《2026年议题征集》第{n}份答卷" in page
    assert "王**" in page and response.respondent.name not in page


def test_permission_grid_for_conversion(
    council: Council, staff: Person, members: list[Person], tree: Any, make_person: Any
) -> None:
    survey = collected(council, staff)
    response = survey.responses.first()
    refused = {
        "member": member_actor(members[0]),
        "resident": Actor(person=make_person("resident", tree.community)),
        "staff_elsewhere": staff_actor(make_person("community_staff", tree.other_community)),
        "township_staff": Actor(person=make_person("township_staff", tree.township), role="township_staff"),
        "supervisor": Actor(person=make_person("supervisor", tree.district), role="supervisor"),
    }
    for name, actor in refused.items():
        with pytest.raises(ActionError) as error:
            do_topic_from_survey_answers(council, FromSurveyInput(responses=[response]), actor=actor)
        assert error.value.code == "not_permitted", name
        assert actor.person is not None
        assert not actor.person.has_perm("deliberation.manage_council", council), name
        client = login(actor.person)
        assert client.get(reverse("deliberation:survey_topics", args=[council.pk])).status_code == 403, name
        api = client.post(
            f"/api/v1/deliberation/councils/{council.pk}/topics/from-survey",
            {"survey": survey.pk, "responses": [str(response.pk)]},
            content_type="application/json",
        )
        assert api.status_code == 403 and api.json()["code"] == "not_permitted", name
        assert client.get(f"/api/v1/deliberation/councils/{council.pk}/survey-answers").status_code == 403
    assert Client().get(reverse("deliberation:survey_topics", args=[council.pk])).status_code == 302
    assert not Topic.objects.exists()


def test_council_page_lists_answers_and_converts_them(
    council: Council, staff: Person, django_assert_max_num_queries: Any
) -> None:
    client = login(staff)
    url = reverse("deliberation:survey_topics", args=[council.pk])
    response = client.post(
        url, {"op": "create", "title": "议题征集", "anonymity": "anonymous", "open_now": "1"}
    )
    assert response.status_code == 302
    survey = Survey.objects.get(subject_type="deliberation.council")
    page = client.get(url).content.decode()
    assert "议题征集" in page and "问卷截止后，答卷显示在这里" in page
    for values in ANSWERS:
        answer(survey, values)
    do_close_survey(survey, actor=staff_actor(staff))
    page = client.get(url).content.decode()
    assert "3栋路灯坏了" in page and "第1份" in page and "第3份" in page
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    queries = len(few.captured_queries)
    found = by_topic(survey)
    n, picked = found["希望增设老年食堂"]
    response = client.post(
        url, {"op": "convert", "survey": survey.pk, "responses": [str(picked.pk)], "area": ""}, follow=True
    )
    assert "已保存" in response.content.decode()
    topic = Topic.objects.get()
    assert topic.title == "希望增设老年食堂" and topic.area == "services"
    assert f'href="/deliberation/topics/{topic.pk}/"' in client.get(url).content.decode()
    detail = Client().get(reverse("deliberation:topic", args=[topic.pk])).content.decode()
    assert f"来源：问卷《议题征集》第{n}份答卷" in detail and "（匿名）" in detail
    # Converting it again shows the error in the page, nothing written.
    response = client.post(
        url, {"op": "convert", "survey": survey.pk, "responses": [str(picked.pk)]}, follow=True
    )
    assert f"第{n}份答卷已转为议题" in response.content.decode() and Topic.objects.count() == 1
    response = client.post(
        url, {"op": "convert", "survey": survey.pk, "responses": ["not-a-uuid"]}, follow=True
    )
    assert "未找到所选答卷" in response.content.decode()
    # More surveys and answers: the page's queries stay the same.
    second = do_create_topic_survey(council, title="第二轮征集", actor=staff_actor(staff))
    for i in range(5):
        answer(second, {**ANSWERS[0], "topic": f"问题{i}"})
    do_close_survey(second, actor=staff_actor(staff))
    with django_assert_max_num_queries(queries):
        assert "问题4" in client.get(url).content.decode()


def test_api_lists_answers_and_converts_them(council: Council, staff: Person) -> None:
    survey = collected(council, staff)
    client = login(staff)
    body = client.get(f"/api/v1/deliberation/councils/{council.pk}/survey-answers").json()
    (entry,) = body
    assert entry["survey_id"] == survey.pk and entry["responses"] == 3 and len(entry["answers"]) == 3
    assert [a["number"] for a in entry["answers"]] == [1, 2, 3]
    assert all(a["respondent"] == "" and a["topic_id"] is None for a in entry["answers"])
    ids = [a["response_id"] for a in entry["answers"][:2]]
    response = client.post(
        f"/api/v1/deliberation/councils/{council.pk}/topics/from-survey",
        {"survey": survey.pk, "responses": ids, "title": "合并议题", "area": "community"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["source"] == "survey" and out["survey_id"] == survey.pk and out["survey_answers"] == [1, 2]
    assert client.get(f"/api/v1/deliberation/topics/{out['id']}").json()["survey_answers"] == [1, 2]
    again = client.post(
        f"/api/v1/deliberation/councils/{council.pk}/topics/from-survey",
        {"survey": survey.pk, "responses": ids[:1]},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "answer_has_topic"
    bad = client.post(
        f"/api/v1/deliberation/councils/{council.pk}/topics/from-survey",
        {"survey": survey.pk, "responses": [ids[0], "x"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "answer_unknown"
    assert Topic.objects.count() == 1
