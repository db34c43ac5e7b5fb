"""The rates page and GET /api/v1/voices/rates: permissions, scope, "—" for empty rates, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.core.tests.apitest import ApiClient, token_for
from minyi.voices.tests.reports_support import at, feedback, frozen, make_voice, reply, step

NOW = at(2026, 3, 31, 12)


@pytest.fixture
def items(tree):  # type: ignore[no-untyped-def]
    a = make_voice(tree.community, at(2026, 3, 2))
    step(a, "accept", at(2026, 3, 3))
    reply(a, at(2026, 3, 4), "resolved")
    feedback(a, at(2026, 3, 5), "satisfied")
    make_voice(tree.other_community, at(2026, 3, 2))  # another district
    return a


class TestApi:
    def test_rates_in_scope(self, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        api = ApiClient(token_for(make_person("district_staff", tree.district)))
        with frozen(NOW):
            response = api.get("/voices/rates", {"period": "2026-Q1"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["unit"] == tree.district.pk and body["period"]["start"] == "2026-01-01"
        assert body["total"]["registered"] == 1
        assert body["total"]["rates"]["resolution"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
        assert body["total"]["rates"]["face_to_face"] == {"numerator": 0, "denominator": 0, "percent": None}
        assert body["labels"]["reply"] == "办复率"
        assert [r["label"] for r in body["rows"]] == ["青云街道"]

    def test_groupings_and_bad_input(self, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        api = ApiClient(token_for(make_person("leader", tree.city)))
        with frozen(NOW):
            by_month = api.get("/voices/rates", {"period": "2026", "group": "month"}).json()
            assert [(r["key"], r["registered"]) for r in by_month["rows"]] == [("2026-03", 2)]
            assert api.get("/voices/rates", {"period": "2026-Q9"}).json()["code"] == "bad_period"
            assert api.get("/voices/rates", {"group": "planet"}).status_code == 400
            assert api.get("/voices/rates", {"unit": 999999}).status_code == 404
            assert api.get("/voices/rates", {"unit": 0}).status_code == 422

    def test_refused(self, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        assert ApiClient().get("/voices/rates").status_code == 401
        resident = ApiClient(token_for(make_person("resident", tree.community)))
        assert resident.get("/voices/rates").json()["code"] == "not_permitted"

    def test_other_district_staff_count_nothing_here(self, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        api = ApiClient(token_for(make_person("district_staff", tree.other_district)))
        with frozen(NOW):
            body = api.get("/voices/rates", {"period": "2026-Q1", "unit": tree.district.pk}).json()
        assert body["total"]["registered"] == 0


class TestPage:
    def test_page_shows_rates_and_dashes(self, client, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        client.force_login(make_person("district_staff", tree.district))
        with frozen(NOW):
            response = client.get("/voices/rates/", {"period": "2026-Q1"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "办复率" in html and "100.0%" in html and "—" in html
        assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
        assert 'id="unit-chart-data"' in html and "青云街道" in html

    def test_bad_period_is_a_message(self, client, tree, make_person, items) -> None:  # type: ignore[no-untyped-def]
        client.force_login(make_person("district_staff", tree.district))
        response = client.get("/voices/rates/", {"period": "someday"})
        assert response.status_code == 200 and "统计期间应为" in response.content.decode()

    def test_refused(self, client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
        assert client.get("/voices/rates/").status_code == 302
        client.force_login(make_person("resident", tree.community))
        assert client.get("/voices/rates/").status_code == 403

    def test_queries_constant(self, client, tree, make_person, items, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
        client.force_login(make_person("district_staff", tree.district))
        with CaptureQueriesContext(connection) as first:
            assert client.get("/voices/rates/", {"period": "2026-Q1"}).status_code == 200
        for day in range(2, 9):
            make_voice(tree.community, at(2026, 2, day))
        with django_assert_num_queries(len(first.captured_queries)):
            assert client.get("/voices/rates/", {"period": "2026-Q1"}).status_code == 200
