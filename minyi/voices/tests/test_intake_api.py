"""Intake API: POST /api/v1/voices (with Idempotency-Key) and GET /api/v1/voices/track."""

from __future__ import annotations

import pytest

from minyi.core.tests.apitest import ApiClient, token_for
from minyi.voices.actions.intake import do_submit_voice
from minyi.voices.models import Voice
from minyi.voices.tests.intake_support import ANONYMOUS, counts, intake, voice_input

__all__ = ["intake"]


def body(unit_pk: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "路面坑洼",
        "content": "青云路与金沙街交叉口路面有个大坑，电动车容易摔倒。",
        "category": "roads",
        "unit": unit_pk,
        "contact_phone": "13912345678",
    }
    values.update(overrides)
    return values


def test_resident_creates_with_idempotency_key_and_a_replay_returns_the_first(intake, make_person):
    resident = make_person("resident", intake.community)
    api = ApiClient(token_for(resident))
    api.headers["Idempotency-Key"] = "req-0001"
    first = api.post("/voices", body(intake.community.pk))
    assert first.status_code == 201, first.content
    created = first.json()
    assert created["tracking_code"].startswith("MY-") and created["verification_code"] is None
    assert created["state"] == "registered" and created["replayed"] is False
    before = counts()
    again = api.post("/voices", body(intake.community.pk))
    assert again.status_code == 200
    assert again.json()["id"] == created["id"] and again.json()["replayed"] is True
    assert counts() == before
    assert Voice.objects.get().submitter == resident


def test_hotline_operator_registers_and_gets_a_code_to_read_out(intake, make_person):
    operator = make_person("hotline_operator", intake.city)
    api = ApiClient(token_for(operator))
    response = api.post(
        "/voices", body(intake.community.pk, channel="hotline", contact_phone="0871-65123456")
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "hotline" and len(data["verification_code"]) == 8
    voice = Voice.objects.get()
    assert voice.registered_by == operator and voice.contact_phone == "0871-65123456"
    track = ApiClient().get(
        "/voices/track",
        {"tracking_code": data["tracking_code"], "verification_code": data["verification_code"]},
    )
    assert track.status_code == 200, track.content
    tracked = track.json()
    assert tracked["state"] == "待受理" and tracked["contact_phone"] == "0871-****3456"
    assert [step["label"] for step in tracked["steps"]] == ["登记受理", "进入办理流程"]
    assert all("operator" not in str(step) for step in tracked["steps"])


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"title": ""}, 400, "title_required"),
        ({"content": "   "}, 400, "content_required"),
        ({"content": "字" * 4001}, 422, "validation_error"),
        ({"category": "nope"}, 400, "category_unknown"),
        ({"unit": 999999}, 400, "unit_unknown"),
        ({"channel": "hotline"}, 403, "not_permitted"),  # a resident cannot register for others
        ({"channel": "carrier-pigeon"}, 422, "validation_error"),
        ({"contact_phone": "110"}, 400, "phone_invalid"),
    ],
)
def test_bad_input_is_a_4xx_json_body_and_writes_nothing(intake, make_person, overrides, status, code):
    resident = make_person("resident", intake.community)
    api = ApiClient(token_for(resident))
    before = counts()
    response = api.post("/voices", body(intake.community.pk, **overrides))
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert counts() == before


def test_bad_idempotency_key_is_refused(intake, make_person):
    api = ApiClient(token_for(make_person("resident", intake.community)))
    api.headers["Idempotency-Key"] = "含中文"
    response = api.post("/voices", body(intake.community.pk))
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"


def test_create_needs_authentication(intake):
    assert ApiClient().post("/voices", body(intake.community.pk)).status_code == 401
    assert Voice.objects.count() == 0


def test_track_refuses_forged_codes_identically_and_throttles(intake, settings):
    settings.MINYI_VOICE_TRACK_MAX_FAILURES = 2
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS)
    api = ApiClient()
    wrong = api.get(
        "/voices/track", {"tracking_code": result.voice.tracking_code, "verification_code": "ABCDEFGH"}
    )
    unknown = api.get("/voices/track", {"tracking_code": "MY-2000-000001", "verification_code": "ABCDEFGH"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert result.voice.title not in wrong.content.decode()
    locked = api.get(
        "/voices/track",
        {"tracking_code": result.voice.tracking_code, "verification_code": result.verification_code},
    )
    assert locked.status_code == 429 and locked.json()["code"] == "tracking_throttled"
