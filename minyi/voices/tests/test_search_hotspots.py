"""Hot spots (V7): similar open items grouped by place and period; the showcase of well-handled items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minyi.voices.hotspots import HotspotFilters, find_hotspots
from minyi.voices.tests.search_helpers import category, make_voice

pytestmark = pytest.mark.django_db

LAMPS = ["路灯不亮，晚上很黑", "5栋路灯坏了晚上很黑", "门口路灯不亮好几天", "小区路灯晚上不亮"]


def test_similar_open_items_form_a_hotspot_per_place(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    lamps = [make_voice(tree.community, text[:8], text) for text in LAMPS]
    noise = category("noise", "噪声")
    make_voice(tree.community, "装修噪音", "楼上装修噪音太大", cat=noise)
    make_voice(tree.community, "路灯不亮", "路灯不亮晚上很黑", state="closed")  # handled: not a hot spot
    make_voice(tree.other_community, "路灯不亮", "白沙社区路灯不亮晚上很黑")
    make_voice(tree.other_community, "路灯坏了", "白沙社区路灯坏了晚上很黑")
    leader = make_person("leader", tree.city)
    report = find_hotspots(leader, HotspotFilters())
    assert [(h.place, h.count) for h in report.hotspots] == [("青云街道", 4), ("白沙街道", 2)]
    top = report.hotspots[0]
    assert "路灯" in top.keywords and sorted(top.voice_ids) == sorted(v.pk for v in lamps)
    assert top.units == [("金沙社区", 4)] and top.label.startswith("青云街道·")
    assert report.scanned == 7 and not report.truncated


def test_filters_and_scope(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - dt.timedelta(days=200)
    for text in LAMPS[:2]:
        make_voice(tree.community, text[:8], text, created_at=old)
    for text in LAMPS[2:]:
        make_voice(tree.community, text[:8], text)
    for text in LAMPS[:2]:
        make_voice(tree.other_community, text[:8], text)
    leader = make_person("leader", tree.city)
    recent = find_hotspots(leader, HotspotFilters(since=timezone.now() - dt.timedelta(days=30)))
    assert sorted(h.count for h in recent.hotspots) == [2, 2]
    assert [h.count for h in find_hotspots(leader, HotspotFilters(root=tree.township)).hotspots] == [4]
    assert find_hotspots(leader, HotspotFilters(category=category("noise", "噪声"))).hotspots == []
    staff = make_person("township_staff", tree.other_township)
    assert [h.place for h in find_hotspots(staff, HotspotFilters()).hotspots] == ["白沙街道"]
    assert find_hotspots(None, HotspotFilters()).hotspots == []  # nothing unpublished for the public
