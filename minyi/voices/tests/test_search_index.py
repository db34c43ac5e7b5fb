"""Search (I3): tokens, the index kept in step, scoped ranked results, masking and highlighting."""

from __future__ import annotations

import pytest
from django.db import connection

from minyi.voices.models import Voice, VoiceSearchIndex
from minyi.voices.search import index_tokens, index_voice, query_tokens, reindex_all, search_voices
from minyi.voices.search.fulltext import newest_matches
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
    with django_assert_num_queries(3):  # the newest id, the newest matching ids (one window), the ranked page
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


def test_older_matches_are_reached_by_continuing_before_the_oldest_ranked(tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_CANDIDATES = 3
    items = [make_voice(tree.community, f"{n}号楼积水", "雨后积水", published=True) for n in range(7)]
    make_voice(tree.community, "井盖缺失", "井盖", published=True)  # not a match: never in a window
    seen: list[int] = []
    before = None
    windows = 0
    while True:
        page = search_voices(None, "积水", before=before)
        seen += [hit.voice.pk for hit in page.hits]
        windows += 1
        if page.older_before is None:
            break
        assert page.older_before == min(hit.voice.pk for hit in page.hits)
        before = page.older_before
    # Three windows (3 + 3 + 1): every match once, newest window first.
    assert windows == 3 and sorted(seen) == sorted(v.pk for v in items) and len(seen) == len(set(seen))
    assert set(seen[:3]) == {v.pk for v in items[4:]}


def test_older_matches_on_the_page_and_in_the_api(tree, settings, client) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_CANDIDATES = 2
    items = [make_voice(tree.community, f"{n}号楼电梯故障", "电梯经常故障", published=True) for n in range(3)]
    page = client.get("/voices/search/", {"q": "电梯"})
    html = page.content.decode()
    assert page.status_code == 200 and f"before={items[1].pk}" in html and "检索更早的事项" in html
    older = client.get("/voices/search/", {"q": "电梯", "before": items[1].pk}).content.decode()
    assert items[0].tracking_code in older and items[2].tracking_code not in older
    assert "检索更早的事项" not in older
    api = client.get("/api/v1/voices/search", {"q": "电梯"}).json()
    assert api["older_before"] == items[1].pk and len(api["items"]) == 2
    rest = client.get("/api/v1/voices/search", {"q": "电梯", "before": items[1].pk}).json()
    assert [item["id"] for item in rest["items"]] == [items[0].pk] and rest["older_before"] is None
    bad = client.get("/api/v1/voices/search", {"q": "电梯", "before": 0})
    assert bad.status_code == 422 and bad.json()["code"]


def test_matches_are_found_window_by_window_newest_first(tree, settings, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    settings.MINYI_VOICE_SEARCH_CANDIDATES = 4
    settings.MINYI_VOICE_SEARCH_WINDOW = 3  # ids in windows of 3, four windows, then all older ones
    old = [make_voice(tree.community, f"{n}号楼漏水", "楼顶漏水", published=True) for n in range(3)]
    for n in range(14):
        make_voice(tree.community, f"{n}号楼噪音", "装修噪音", published=True)  # no match: empty windows
    new = make_voice(tree.community, "车库漏水", "车库漏水严重", published=True)
    with django_assert_num_queries(6):  # the newest id, four windows of three ids, then all older ones
        ids = newest_matches(Voice.objects.all(), ["漏水"], 4)
    # The newest match from the first window, the older ones only from the last, unbounded query.
    assert ids == [new.pk, old[2].pk, old[1].pk, old[0].pk]
    assert newest_matches(Voice.objects.all(), ["漏水"], 2) == [new.pk, old[2].pk]
    assert newest_matches(Voice.objects.all(), ["漏水"], 4, before=old[2].pk) == [old[1].pk, old[0].pk]
    assert newest_matches(Voice.objects.all(), ["火箭"], 4) == []
