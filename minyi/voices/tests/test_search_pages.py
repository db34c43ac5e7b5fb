"""Pages and API of search, duplicates, hot spots and showcase: scope, masking, errors, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from minyi.core.tests.apitest import ApiClient, assert_constant_queries, token_for
from minyi.voices.tests.search_helpers import make_voice

pytestmark = pytest.mark.django_db


def _closed_showcase(unit, title: str, content: str):  # type: ignore[no-untyped-def]
    voice = make_voice(unit, title, content, published=True, state="closed")
    voice.resolution, voice.satisfaction, voice.reply = "resolved", "satisfied", "已修复，联系电话13912345678"
    voice.closed_at = timezone.now()
    voice.save(update_fields=["resolution", "satisfaction", "reply", "closed_at"])
    return voice


def test_search_page_public_and_highlighted(client, tree) -> None:  # type: ignore[no-untyped-def]
    make_voice(tree.community, "路灯不亮", "门口路灯不亮，电话13812345678", published=True)
    make_voice(tree.community, "路灯坏了", "内部事项路灯")
    page = client.get(reverse("voices:search"), {"q": "路灯"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "<mark>路灯</mark>" in body and "138****5678" in body and "13812345678" not in body
    assert "内部事项" not in body
    assert client.get(reverse("voices:search")).status_code == 200  # empty form
    assert client.get(reverse("voices:search"), {"q": "x" * 500, "page": "abc"}).status_code == 200


def test_search_page_query_count_constant(client, tree, make_person, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    staff = make_person("community_staff", tree.community)
    client.force_login(staff)
    make_voice(tree.community, "噪音扰民", "装修噪音")
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("voices:search"), {"q": "噪音"}),
        lambda: [make_voice(tree.community, f"噪音{n}", "夜间噪音") for n in range(5)],
    )


def test_similar_fragment_and_api(client, tree) -> None:  # type: ignore[no-untyped-def]
    lamp = make_voice(tree.community, "小区路灯不亮", "金沙社区5栋旁边的路灯不亮好几天了，晚上很黑")
    page = client.get(reverse("voices:similar"), {"unit": tree.community.pk, "text": "路灯坏了晚上很黑"})
    assert page.status_code == 200 and lamp.tracking_code in page.content.decode()
    assert "小区路灯不亮" not in page.content.decode()  # not visible to an anonymous resident
    empty = client.get(reverse("voices:similar"), {"unit": "x", "text": ""})
    assert empty.status_code == 200 and "similar-title" not in empty.content.decode()
    api = ApiClient()
    found = api.get("/voices/similar", {"unit": tree.community.pk, "text": "路灯坏了晚上很黑"})
    assert found.status_code == 200 and [r["id"] for r in found.json()] == [lamp.pk]
    assert found.json()[0]["title"] is None and found.json()[0]["state"] == "registered"
    assert api.get("/voices/similar", {"unit": 999999, "text": "路灯"}).status_code == 404
    assert api.get("/voices/similar", {"unit": tree.community.pk, "text": ""}).status_code == 422


def test_search_api_scoped(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    published = make_voice(tree.community, "井盖缺失", "井盖缺失很危险 13812345678", published=True)
    internal = make_voice(tree.community, "井盖松动", "井盖松动")
    anonymous = ApiClient().get("/voices/search", {"q": "井盖"})
    assert anonymous.status_code == 200
    assert [i["id"] for i in anonymous.json()["items"]] == [published.pk]
    assert "138****5678" in anonymous.json()["items"][0]["snippet"]
    staff = ApiClient(token_for(make_person("community_staff", tree.community)))
    assert {i["id"] for i in staff.get("/voices/search", {"q": "井盖"}).json()["items"]} == {
        published.pk,
        internal.pk,
    }
    assert ApiClient().get("/voices/search", {"q": ""}).status_code == 422
    assert ApiClient().get("/voices/search", {"q": "井盖", "page": 0}).status_code == 422


def test_hotspots_page_and_api_need_an_office_role(client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    for text in ["路灯不亮，晚上很黑", "5栋路灯坏了晚上很黑"]:
        make_voice(tree.community, text[:8], text)
    assert client.get(reverse("voices:hotspots")).status_code == 403
    client.force_login(make_person())
    assert client.get(reverse("voices:hotspots")).status_code == 403
    leader = make_person("leader", tree.district)
    client.force_login(leader)
    page = client.get(reverse("voices:hotspots"), {"period": "30", "unit": tree.township.pk})
    assert page.status_code == 200 and "hotspot-chart" in page.content.decode()
    assert "青云街道" in page.content.decode()
    api = ApiClient(token_for(leader))
    data = api.get("/voices/hotspots", {"period": "all"}).json()
    assert data["hotspots"][0]["count"] == 2 and "路灯" in data["hotspots"][0]["keywords"]
    assert api.get("/voices/hotspots", {"period": "7"}).status_code == 422
    assert ApiClient(token_for(make_person())).get("/voices/hotspots").status_code == 403
    assert ApiClient().get("/voices/hotspots").status_code == 401


def test_showcase_lists_only_well_handled_items_masked(client, tree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    good = _closed_showcase(tree.community, "楼道灯修好了", "楼道灯坏了，张先生13812345678")
    make_voice(tree.community, "未办结", "还在办", published=True)
    page = client.get(reverse("voices:showcase"))
    body = page.content.decode()
    assert page.status_code == 200 and "楼道灯修好了" in body and "未办结" not in body
    assert "13812345678" not in body and "13912345678" not in body
    data = ApiClient().get("/voices/showcase").json()
    assert [r["id"] for r in data] == [good.pk] and "139****5678" in data[0]["reply"]
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("voices:showcase")),
        lambda: [_closed_showcase(tree.community, f"路面修复{n}", "路面坑洼") for n in range(3)],
    )
