"""O5 — the channel registry."""

from __future__ import annotations

import pytest
from django.utils import translation

from minyi.core.actions.channels import (
    active_channels,
    channel_by_code,
    do_update_channel,
    ensure_default_channels,
)
from minyi.core.errors import ActionError, NotFound
from minyi.core.models import Channel, Event
from minyi.core.models.channels import STAFF_ENTERED_CHANNELS, ChannelCode


@pytest.fixture
def channels(db, system):  # type: ignore[no-untyped-def]
    return ensure_default_channels(actor=system)


def test_creates_all_eleven_channels_in_order(channels) -> None:  # type: ignore[no-untyped-def]
    assert len(channels) == 11 == len(ChannelCode)
    rows = list(Channel.objects.order_by("sort_order"))
    assert [c.code for c in rows] == list(ChannelCode.values)
    assert len({c.sort_order for c in rows}) == 11
    by_code = {c.code: c for c in rows}
    assert by_code["hotline"].name == "12345热线"
    assert by_code["open311"].name == "Open311接口"
    assert {c.code for c in rows if c.staff_entered} == {str(c) for c in STAFF_ENTERED_CHANNELS}
    assert not by_code["web"].staff_entered and by_code["letter"].staff_entered
    events = Event.objects.filter(action="core.channel.create")
    assert events.count() == 11 and all(e.public for e in events)


def test_idempotent(channels, system) -> None:  # type: ignore[no-untyped-def]
    events = Event.objects.count()
    assert ensure_default_channels(actor=system) == []
    assert Channel.objects.count() == 11
    assert Event.objects.count() == events


def test_fills_only_missing_and_keeps_local_changes(channels, system) -> None:  # type: ignore[no-untyped-def]
    do_update_channel(channel_by_code("mailbox"), actor=system, name="市长信箱", is_active=False)
    Channel.objects.filter(code="photo").delete()
    created = ensure_default_channels(actor=system)
    assert [c.code for c in created] == ["photo"]
    mailbox = Channel.objects.get(code="mailbox")
    assert (mailbox.name, mailbox.is_active) == ("市长信箱", False)


def test_names_are_chinese_whatever_the_active_language(db, system) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        ensure_default_channels(actor=system)
    assert Channel.objects.get(code="visit").name == "来访"


def test_rename_and_deactivate_are_recorded(channels, system) -> None:  # type: ignore[no-untyped-def]
    channel = do_update_channel(
        channel_by_code("chat_import"), actor=system, name="微信群导入", is_active=False, reason="统一叫法"
    )
    assert (channel.code, channel.name, channel.is_active) == ("chat_import", "微信群导入", False)
    event = Event.objects.get(action="core.channel.update")
    assert event.data == {
        "code": "chat_import",
        "changes": {"name": ["群聊导入", "微信群导入"], "is_active": [True, False]},
    }
    assert event.reason == "统一叫法" and event.public
    assert "chat_import" not in set(active_channels().values_list("code", flat=True))
    assert [c.code for c in active_channels()] == [c for c in ChannelCode.values if c != "chat_import"]


def test_no_change_writes_nothing(channels, system) -> None:  # type: ignore[no-untyped-def]
    before = Event.objects.count()
    do_update_channel(channel_by_code("web"), actor=system, name=" 网站 ", is_active=True)
    assert Event.objects.count() == before


@pytest.mark.parametrize("name", ["", "   ", "长" * 41])
def test_bad_name_is_refused_and_nothing_written(channels, system, name) -> None:  # type: ignore[no-untyped-def]
    before = Event.objects.count()
    with pytest.raises(ActionError) as caught:
        do_update_channel(channel_by_code("web"), actor=system, name=name)
    assert caught.value.details == {"field": "name"}
    assert Channel.objects.get(code="web").name == "网站"
    assert Event.objects.count() == before


def test_unknown_code(channels) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        channel_by_code("fax")


def test_codes_never_change(channels, system) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        do_update_channel(channel_by_code("web"), actor=system, code="www")  # type: ignore[call-arg]
