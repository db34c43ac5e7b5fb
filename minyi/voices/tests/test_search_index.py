"""Search (I3): tokens, the index kept in step, scoped ranked results, masking and highlighting."""

from __future__ import annotations

import pytest
from django.db import connection

from minyi.voices.models import VoiceSearchIndex
from minyi.voices.search import index_tokens, index_voice, query_tokens, reindex_all, search_voices
from minyi.voices.search.schema import FTS_TABLE, create_search_schema
from minyi.voices.tests.search_helpers import category, make_voice

pytestmark = pytest.mark.django_db


def test_tokens_segment_domain_words_and_drop_stopwords() -> None:
    assert index_tokens("3号楼门口的路灯不亮了！") == ["3", "号", "楼门", "门口", "楼门口", "路灯", "不亮"]
    assert query_tokens("路灯 不亮 路灯") == ["路灯", "不亮"]
    assert "充电" in index_tokens("电动车充电桩不够")  # search mode: short words inside long ones


def test_index_row_follows_the_voice(tree) -> None:  # type: ignore[no-untyped-def]
    voice = make_voice(tree.community, "小区路灯不亮", "金沙社区5栋旁边的路灯不亮好几天了")
    row = VoiceSearchIndex.objects.get(voice=voice)
    assert "路灯" in row.tokens.split()
    voice.reply = "已更换灯泡"
    index_voice(voice)
    assert [h.voice.pk for h in search_voices(None, "灯泡", public_only=False).hits] == []  # unpublished
    voice.is_published = True
    voice.save(update_fields=["is_published"])
    assert [h.voice.pk for h in search_voices(None, "灯泡").hits] == [voice.pk]
    assert [h.voice.pk for h in search_voices(None, "不亮").hits] == [voice.pk]


def test_reindex_all_rebuilds_missing_and_stale_rows(tree) -> None:  # type: ignore[no-untyped-def]
    voice = make_voice(tree.community, "垃圾清运不及时", published=True)
    VoiceSearchIndex.objects.filter(voice=voice).delete()
    assert search_voices(None, "垃圾").hits == []
    assert reindex_all() == 1
    assert [h.voice.pk for h in search_voices(None, "垃圾").hits] == [voice.pk]


def test_schema_creation_is_idempotent() -> None:
    create_search_schema(connection)
    create_search_schema(connection)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            assert cursor.fetchone() is not None


def test_every_word_must_match_and_better_matches_come_first(tree) -> None:  # type: ignore[no-untyped-def]
    both = make_voice(tree.community, "路灯不亮", "路灯不亮，晚上路灯全黑，路灯该修了", published=True)
    one = make_voice(tree.community, "路灯杆歪了", "路灯杆被车撞歪", published=True)
    make_voice(
        tree.community, "噪音扰民", "广场舞噪音扰民", published=True, cat=category("noise", "噪声污染")
    )
    assert [h.voice.pk for h in search_voices(None, "路灯 不亮").hits] == [both.pk]
    assert [h.voice.pk for h in search_voices(None, "路灯").hits] == [both.pk, one.pk]
    assert search_voices(None, "的 了 ！").hits == []  # nothing but stopwords and punctuation


def test_search_is_scoped_to_what_the_person_may_see(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    resident = make_person()
    mine = make_voice(tree.community, "楼道漏水", submitter=resident)
    here = make_voice(tree.community, "楼道堆物", "楼道堆放杂物")
    there = make_voice(tree.other_community, "楼道灯坏", "楼道灯坏了")
    published = make_voice(tree.other_community, "楼道积水", published=True)
    staff = make_person("community_staff", tree.community)
    district = make_person("district_staff", tree.district)
    supervisor = make_person("supervisor", tree.city)

    def found(person) -> set[int]:  # type: ignore[no-untyped-def]
        return {h.voice.pk for h in search_voices(person, "楼道").hits}

    assert found(None) == {published.pk}
    assert found(resident) == {mine.pk, published.pk}
    assert found(staff) == {mine.pk, here.pk, published.pk}
    assert found(district) == {mine.pk, here.pk, published.pk}
    assert found(supervisor) == {mine.pk, here.pk, there.pk, published.pk}
    assert {h.voice.pk for h in search_voices(supervisor, "楼道", public_only=True).hits} == {published.pk}


def test_department_finds_only_what_it_leads(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    led = make_voice(tree.community, "道路破损", "人行道破损")
    make_voice(tree.community, "道路积水", "道路积水严重")
    led.lead_department = tree.department
    led.save(update_fields=["lead_department"])
    handler = make_person("department_handler", tree.department)
    assert [h.voice.pk for h in search_voices(handler, "道路").hits] == [led.pk]


def test_results_are_masked_and_highlighted(tree) -> None:  # type: ignore[no-untyped-def]
    make_voice(
        tree.community,
        "路灯不亮 联系13812345678",
        "张先生电话13812345678，说门口路灯不亮<script>",
        published=True,
    )
    hit = search_voices(None, "路灯").hits[0]
    assert "13812345678" not in hit.title_html and "138****5678" in hit.title_html
    assert "<mark>路灯</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html


def test_pages_of_results(tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_PAGE_SIZE = 2
    for n in range(5):
        make_voice(tree.community, f"井盖缺失{n}", "井盖缺失", published=True)
    first, last = search_voices(None, "井盖"), search_voices(None, "井盖", page=3)
    assert len(first.hits) == 2 and first.has_next
    assert len(last.hits) == 1 and not last.has_next


def test_search_query_count_is_constant(tree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(6):
        make_voice(tree.community, f"噪音扰民{n}", "装修噪音", published=True)
    with django_assert_num_queries(2):  # the newest matching ids, then the ranked page
        assert len(search_voices(None, "噪音").hits) == 6


def test_only_the_newest_matches_are_ranked(tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_CANDIDATES = 3
    # The oldest item is the best match (the word three times), but it is not among the newest three.
    oldest = make_voice(tree.community, "路灯 路灯 路灯", "路灯不亮，路灯坏了", published=True)
    newer = [make_voice(tree.community, f"{n}栋门口", "这里的路灯不亮", published=True) for n in range(4)]
    best = make_voice(tree.community, "路灯不亮", "路灯坏了，路灯不亮", published=True)
    found = [h.voice.pk for h in search_voices(None, "路灯").hits]
    assert set(found) == {newer[2].pk, newer[3].pk, best.pk}
    assert oldest.pk not in found and newer[0].pk not in found
    assert found[0] == best.pk  # ranked best first within the candidates
