"""Pages and API: public results with explanations, recommending, bad input, constant queries."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from minyi.core.actors import Actor
from minyi.projects.actions.pabulib_io import do_import_pabulib
from minyi.projects.actions.rounds import RoundInput, do_create_round, do_publish_round
from minyi.projects.models import Project
from minyi.projects.tests.test_pabulib import generated


@pytest.fixture
def published(tree, make_person):
    staff = make_person("township_staff", tree.township)
    actor = Actor(person=staff)
    round_ = do_create_round(
        RoundInput(
            unit=tree.township, year=2026, title="预算票决", seats=1, selection_rule="greedy", budget="1"
        ),
        actor=actor,
    )
    round_ = do_import_pabulib(round_, generated(2, projects=10, voters=80), actor=actor)
    return do_publish_round(round_, actor=actor)


def test_results_page_explains_each_project(client: Client, published, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(12):
        response = client.get(f"/projects/rounds/{published.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "入选" in text and "得票" in text and "预算剩余" in text


def test_year_list_constant_queries(client: Client, published, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        response = client.get("/projects/?year=2026")
    assert response.status_code == 200 and "预算票决" in response.content.decode()


def test_api_result_and_export(client: Client, published) -> None:
    data = client.get(f"/api/v1/projects/rounds/{published.pk}").json()
    assert data["published"] and len(data["result"]["projects"]) == 10
    exported = client.get(f"/api/v1/projects/rounds/{published.pk}/export.pb")
    assert exported.status_code == 200 and exported.content.decode().startswith("META")


def test_recommend_page_and_api_bad_input(client: Client, tree, make_person) -> None:
    staff = make_person("township_staff", tree.township)
    round_ = do_create_round(
        RoundInput(unit=tree.township, year=2026, title="征集", seats=2), actor=Actor(person=staff)
    )
    resident = make_person("resident", tree.community)
    client.force_login(resident)
    response = client.post(
        f"/projects/rounds/{round_.pk}/recommend/",
        {"title": "路灯", "description": "太暗", "unit": tree.community.pk},
    )
    assert response.status_code == 200 and "请填写估算费用" in response.content.decode()
    api = client.post(
        f"/api/v1/projects/rounds/{round_.pk}/recommend",
        json.dumps({"title": "路灯", "description": "太暗", "cost": "5000"}),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "unit_required"
    assert not Project.objects.exists()
    response = client.post(
        f"/projects/rounds/{round_.pk}/recommend/",
        {"title": "路灯", "description": "太暗", "unit": tree.community.pk, "cost": "5000"},
    )
    assert response.status_code == 302 and Project.objects.get().source == "resident"
