"""Intake pages: submit, submitted (code shown once), track, my voices, staff registration, fragments."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from minyi.core.actors import Actor
from minyi.voices.actions.intake import do_submit_voice
from minyi.voices.models import Voice
from minyi.voices.tests.intake_support import ANONYMOUS, counts, intake, not_an_image, photo, voice_input

__all__ = ["intake"]
PASSWORD = "pass-Minyi-2026"


def form_data(unit_pk: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "request",
        "category": "sanitation",
        "unit": unit_pk,
        "title": "垃圾桶满了没人清",
        "content": "金沙社区5栋旁的垃圾桶连续三天没有清运，气味很大。",
        "place": "5栋旁",
        "contact_name": "赵六",
        "contact_phone": "13700001111",
        "wants_public": "on",
        "idempotency_key": "form-key-1",
    }
    values.update(overrides)
    return values


def logged_in(person: object) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_submit_page_renders_with_unit_picker_and_photo_field(intake):
    response = Client().get(reverse("voices:submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="photos"' in html and "multiple" in html
    assert reverse("voices:unit_options") in html and 'name="idempotency_key"' in html
    assert "同意公开" in html and "环境卫生" in html


def test_anonymous_submission_shows_the_code_once(intake):
    client = Client()
    response = client.post(reverse("voices:submit"), {**form_data(intake.community.pk), "photos": [photo()]})
    voice = Voice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("voices:submitted", args=[voice.tracking_code])
    assert voice.wants_public and voice.channel.code == "web"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert voice.tracking_code in html and "查询码" in html
    code = html.split('class="code">')[2].split("<")[0]
    assert len(code) == 8
    assert client.get(response["Location"]).status_code == 404  # shown once, and to nobody else
    assert Client().get(response["Location"]).status_code == 404
    # Following it with the code.
    tracked = client.post(
        reverse("voices:track"), {"tracking_code": voice.tracking_code, "verification_code": code}
    )
    assert tracked.status_code == 200
    text = tracked.content.decode()
    assert "待受理" in text and "赵*" in text and "137****1111" in text and "13700001111" not in text


def test_double_submit_with_the_same_form_key_creates_one_item(intake):
    client = Client()
    client.post(reverse("voices:submit"), form_data(intake.community.pk))
    before = counts()
    again = client.post(reverse("voices:submit"), form_data(intake.community.pk))
    assert again.status_code == 302 and counts() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"content": ""}, "这个字段是必填项"),
        ({"title": "   "}, "这个字段是必填项"),
        ({"content": "字" * 4001}, "4000"),
        ({"category": "unknown"}, "选择一个有效的选项"),
        ({"unit": ""}, "请选择事项所在的社区"),
        ({"unit": "999999"}, "请选择事项所在的社区"),
        ({"contact_phone": "123"}, "11位手机号码"),
    ],
)
def test_bad_input_shows_a_chinese_form_error_and_writes_nothing(intake, overrides, message):
    before = counts()
    response = Client().post(reverse("voices:submit"), form_data(intake.community.pk, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_a_photo_that_is_not_an_image_is_a_form_error(intake):
    before = counts()
    response = Client().post(
        reverse("voices:submit"), {**form_data(intake.community.pk), "photos": [photo(), not_an_image()]}
    )
    assert response.status_code == 400
    assert "不是有效的图片" in response.content.decode()
    assert counts() == before


def test_forged_tracking_code_reveals_nothing(intake):
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS)
    response = Client().post(
        reverse("voices:track"),
        {"tracking_code": result.voice.tracking_code, "verification_code": "ZZZZZZZZ"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "受理编号或查询码不正确" in html and result.voice.title not in html


def test_track_page_is_throttled(intake, settings):
    settings.MINYI_VOICE_TRACK_MAX_FAILURES = 1
    client = Client()
    client.post(reverse("voices:track"), {"tracking_code": "MY-2026-000001", "verification_code": "AAAAAAAA"})
    response = client.post(
        reverse("voices:track"), {"tracking_code": "MY-2026-000001", "verification_code": "B"}
    )
    assert response.status_code == 429 and "查询失败次数过多" in response.content.decode()


def test_my_voices_lists_own_items_with_constant_queries(intake, make_person, django_assert_max_num_queries):
    resident = make_person("resident", intake.community)
    other = make_person("resident", intake.community)
    do_submit_voice(
        voice_input(intake.community, title="别人的事"), actor=Actor(person=other, role="resident")
    )
    client = logged_in(resident)

    def add(n: int) -> None:
        for i in range(n):
            do_submit_voice(
                voice_input(intake.community, title=f"我的第{i}件事"),
                actor=Actor(person=resident, role="resident"),
            )

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("voices:mine"))
    assert response.status_code == 200 and "别人的事" not in response.content.decode()
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("voices:mine"))
    assert response.content.decode().count("我的第") == 10
    own = Voice.objects.filter(submitter=resident).first()
    assert own is not None
    page = client.get(reverse("voices:track"), {"tracking_code": own.tracking_code})
    assert "办理过程" in page.content.decode()
    foreign = Voice.objects.get(title="别人的事")
    page = client.get(reverse("voices:track"), {"tracking_code": foreign.tracking_code})
    assert "办理过程" not in page.content.decode()


def test_mine_needs_login(intake):
    assert Client().get(reverse("voices:mine")).status_code == 302


def test_staff_register_page_and_scope(intake, make_person):
    staff = make_person("community_staff", intake.community)
    client = logged_in(staff)
    page = client.get(reverse("voices:register"))
    assert page.status_code == 200 and "12345热线" in page.content.decode()
    ok = client.post(
        reverse("voices:register"),
        form_data(intake.community.pk, channel="visit", contact_phone="0871-65123456"),
    )
    assert ok.status_code == 302
    voice = Voice.objects.get()
    assert voice.registered_by == staff and voice.channel.code == "visit"
    before = counts()
    out_of_scope = client.post(
        reverse("voices:register"),
        form_data(intake.other_community.pk, channel="visit", idempotency_key="other-key"),
    )
    assert out_of_scope.status_code == 400 and "没有在该单位登记" in out_of_scope.content.decode()
    assert counts() == before


def test_register_page_is_for_intake_roles_only(intake, make_person):
    resident = make_person("resident", intake.community)
    assert logged_in(resident).get(reverse("voices:register")).status_code == 403


def test_unit_search_by_name_and_code_and_tree_browsing(intake):
    client = Client()
    found = client.get(reverse("voices:unit_options"), {"q": "金沙"}).content.decode()
    assert "金沙社区（青云街道）" in found and "白沙社区" not in found
    by_code = client.get(reverse("voices:unit_options"), {"q": "990102001001"}).content.decode()
    assert "白沙社区" in by_code
    top = client.get(reverse("voices:unit_options")).content.decode()
    assert "东城区" in top and "住房和城乡建设局" not in top
    children = client.get(reverse("voices:unit_options"), {"parent": intake.township.pk}).content.decode()
    assert "金沙社区" in children and "联络站" not in children
    picked = client.get(reverse("voices:unit_pick"), {"unit": intake.community.pk}).content.decode()
    assert f'value="{intake.community.pk}"' in picked
    assert client.get(reverse("voices:unit_pick"), {"unit": intake.department.pk}).status_code == 404


def test_register_unit_search_is_scoped(intake, make_person):
    staff = make_person("community_staff", intake.community)
    client = logged_in(staff)
    found = client.get(reverse("voices:unit_options"), {"q": "沙", "for": "register"}).content.decode()
    assert "金沙社区" in found and "白沙社区" not in found


def test_duplicates_fragment_uses_the_hook(intake, monkeypatch):
    from minyi.voices.views import intake as views

    monkeypatch.setattr(
        views,
        "likely_duplicates",
        lambda unit, text: [Voice(tracking_code="MY-2026-000009", title="同一处垃圾桶")],
    )
    response = Client().post(
        reverse("voices:submit_duplicates"), {"unit": intake.community.pk, "content": "垃圾桶"}
    )
    assert "同一处垃圾桶" in response.content.decode()
    assert views.likely_duplicates.__name__ == "<lambda>"
