import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from minyi.core.actions.people import DeputyInput, do_add_deputy_record
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.masking import mask_name
from minyi.core.models import Event
from minyi.core.record.write import record_event


def test_mask_name():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("李") == "*"
    assert mask_name(" ") == ""


def add_deputy(make_person, system, unit, name):
    person = make_person(name=name)
    return do_add_deputy_record(
        person,
        DeputyInput(body="npc", level="county", unit=unit, term_start=dt.date(2021, 10, 1), term="第十八届"),
        actor=system,
    )


def get_home(client):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_site_board_stations_and_masked_deputies(client, tree, make_person, system, settings):
    settings.MINYI_SITE_NAME = "测试市民意平台"
    add_deputy(make_person, system, tree.station, "王建国")
    html = get_home(client)
    assert "测试市民意平台" in html
    assert "公示栏" in html and "服务站点" in html and "代表风采" in html
    assert "青云街道人大代表联络站" in html
    assert "王**" in html and "王建国" not in html
    assert "县（区）级人大代表" in html
    # The deputy registration is public; it appears on the board without the person's name.
    assert "登记代表委员" in html


def test_board_shows_only_public_events_and_no_resident_names(client, tree, make_person, system):
    person = make_person(name="赵敏感")
    official = make_person(name="钱承办")
    with transaction.atomic():
        record_event(
            actor=Actor(official, "township_staff", tree.township),
            action="core.secret.thing",
            subject=tree.township,
            unit=tree.township,
            data={"name": "赵敏感"},
            public=False,
        )
        record_event(
            actor=Actor(person, "resident", tree.community),
            action="voices.voice.publish",
            subject=tree.community,
            unit=tree.community,
            data={"name": "赵敏感"},
            public=True,
        )
    html = get_home(client)
    assert "赵敏感" not in html
    assert "core.secret.thing" not in html
    assert "公示事项" in html and "金沙社区" in html  # the unknown public action in neutral words
    assert "钱承办" not in html  # the official's event was not public


def test_ended_mandates_are_not_shown(client, tree, make_person, system):
    person = make_person(name="钱卸任")
    do_add_deputy_record(
        person,
        DeputyInput(
            body="npc",
            level="county",
            unit=tree.station,
            term_start=dt.date(2016, 1, 1),
            term_end=dt.date(2020, 12, 31),
        ),
        actor=system,
    )
    assert "钱*" not in get_home(client)


def test_station_address_and_phone(client, tree, system):
    from minyi.core.models import Unit

    Unit.objects.filter(pk=tree.station.pk).update(address="青云路1号", phone="0871-12345678")
    html = get_home(client)
    assert "青云路1号" in html and 'href="tel:0871-12345678"' in html


def test_every_portal_link_leads_to_a_page(client, db):
    import re

    html = get_home(client)
    links = set(re.findall(r'href="(/[^"]*)"', html)) - {"/static/"}
    assert {"/login/", "/voices/submit", "/voices/track", "/voices/board/"} <= links
    assert {"/deliberation/", "/projects/", "/projects/fund/", "/projects/effect/", "/voices/showcase/"} <= links
    for link in links:
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("n", [1, 5])
def test_home_queries_constant(client, tree, make_person, system, django_assert_num_queries, n):
    for i in range(n):
        station = do_create_unit(
            UnitInput(name=f"站点{i}", kind="station", code=f"S-{i}"), tree.community, actor=system
        )
        add_deputy(make_person, system, station, f"孙{i}")
    assert Event.objects.filter(public=True, action="core.deputy.add").count() == n
    with django_assert_num_queries(3):  # public events, stations, deputies (anonymous: no session read)
        get_home(client)
