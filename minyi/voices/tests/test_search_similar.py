"""Likely duplicates on intake (V7): same area, open, similar text; realistic near-duplicates."""

from __future__ import annotations

import pytest

from minyi.voices.search.tokens import index_tokens
from minyi.voices.similarity import area_q, similar_open_voices, similarity, township_of
from minyi.voices.tests.search_helpers import category, make_voice

pytestmark = pytest.mark.django_db


def test_similarity_of_near_duplicates_and_unrelated_text() -> None:
    lamp = index_tokens("小区路灯不亮 金沙社区5栋旁边的路灯不亮好几天了，晚上很黑")
    assert similarity(lamp, index_tokens("路灯坏了晚上很黑")) >= 0.3
    assert similarity(lamp, index_tokens("5栋门口的路灯不亮")) >= 0.4
    assert similarity(lamp, index_tokens("楼上装修噪音太大，周末一早就开始")) == 0
    assert similarity([], lamp) == 0


def test_near_duplicates_in_the_same_area_are_suggested(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    lamp = make_voice(tree.community, "小区路灯不亮", "金沙社区5栋旁边的路灯不亮好几天了，晚上很黑")
    make_voice(
        tree.community, "装修噪音扰民", "楼上装修噪音太大，周末一早就开始", cat=category("noise", "噪声")
    )
    make_voice(tree.community, "垃圾清运不及时", "垃圾桶满了没人清运", cat=category("waste", "环境卫生"))
    found = similar_open_voices(tree.community, "路灯坏了晚上很黑")
    assert [s.voice_id for s in found] == [lamp.pk]
    assert found[0].title is None  # an anonymous resident is not shown an unpublished item's text
    assert found[0].unit_name == "金沙社区" and found[0].state == "registered"
    staff = make_person("community_staff", tree.community)
    assert similar_open_voices(tree.community, "路灯坏了晚上很黑", person=staff)[0].title == "小区路灯不亮"


def test_other_places_closed_items_and_unrelated_text_are_not_suggested(tree) -> None:  # type: ignore[no-untyped-def]
    make_voice(tree.other_community, "小区路灯不亮", "白沙社区路灯不亮，晚上很黑")  # other township
    make_voice(tree.community, "路灯不亮", "路灯不亮晚上很黑", state="closed")
    make_voice(tree.community, "路灯不亮", "路灯不亮晚上很黑", state="merged")
    assert similar_open_voices(tree.community, "路灯坏了晚上很黑") == []
    assert similar_open_voices(tree.community, "停车位不够，晚上乱停乱放") == []
    assert similar_open_voices(tree.community, "！！！") == []


def test_a_community_sees_its_township_neighbours(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    from minyi.core.actions.units import UnitInput, do_create_unit
    from minyi.core.actors import Actor

    neighbour = do_create_unit(
        UnitInput(name="银河社区", kind="community"), tree.township, actor=Actor.system()
    )
    there = make_voice(neighbour, "路灯不亮", "青云路路灯不亮")
    assert township_of(tree.community) == tree.township
    assert township_of(tree.township) == tree.township
    assert [s.voice_id for s in similar_open_voices(tree.community, "青云路的路灯不亮")] == [there.pk]
    assert area_q(tree.department) is not None


def test_limit_and_order(tree) -> None:  # type: ignore[no-untyped-def]
    weaker = make_voice(tree.community, "路灯", "路灯晚上很黑")
    stronger = make_voice(tree.community, "路灯坏了", "路灯坏了晚上很黑")
    found = similar_open_voices(tree.community, "路灯坏了晚上很黑", limit=5)
    assert [s.voice_id for s in found] == [stronger.pk, weaker.pk]
    assert found[0].score >= found[1].score
    assert len(similar_open_voices(tree.community, "路灯坏了晚上很黑", limit=1)) == 1
