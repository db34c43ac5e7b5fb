"""Intake actions: submission, staff registration, tracking numbers, codes, photos, idempotency, bad input."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Attachment, ChainHead, Event, Notification
from minyi.core.record.verify import verify_record
from minyi.voices.actions.categories import DEFAULT_CATEGORIES, ensure_default_categories
from minyi.voices.actions.intake import do_register_voice, do_submit_voice
from minyi.voices.actions.tracking import code_matches, find_tracked_voice, tracked_view
from minyi.voices.models import Category, TrackingCounter, Voice
from minyi.voices.tests.intake_support import ANONYMOUS, counts, intake, not_an_image, photo, voice_input

__all__ = ["intake"]

TRACKING = re.compile(r"^MY-\d{4}-\d{6}$")


def test_default_categories_are_idempotent(intake, system):
    assert Category.objects.count() == len(DEFAULT_CATEGORIES)
    assert ensure_default_categories(actor=system) == []
    assert Event.objects.filter(action="voices.category.create").count() == len(DEFAULT_CATEGORIES)
    assert Category.objects.filter(code="roads", name="道路交通").exists()


def test_anonymous_submission_issues_number_and_code_starts_process_and_notifies(
    intake, make_person, django_capture_on_commit_callbacks
):
    community_staff = make_person("community_staff", intake.community)
    township_staff = make_person("township_staff", intake.township)
    make_person("community_staff", intake.other_community)  # elsewhere: not told

    with django_capture_on_commit_callbacks(execute=True):  # the follow-up (index, notification) runs
        result = do_submit_voice(
            voice_input(intake.community), actor=ANONYMOUS, photos=[photo(), photo(color="blue")]
        )

    voice = result.voice
    assert TRACKING.match(voice.tracking_code)
    assert len(result.verification_code) == 8
    assert voice.verification_hash and result.verification_code not in voice.verification_hash
    assert code_matches(voice, result.verification_code)
    assert code_matches(voice, result.verification_code.lower())
    assert not code_matches(voice, "AAAAAAAA")
    assert voice.submitter is None and voice.channel.code == "web"
    assert result.instance.state == "registered" and result.instance.unit == intake.community
    assert result.instance.title == voice.title
    assert Attachment.objects.filter(subject_type="voices.voice", subject_id=str(voice.pk)).count() == 2

    actions = list(
        Event.objects.filter(chain=f"voices.voice:{voice.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["voices.voice.submit", "voice.start", "core.attachment.store", "core.attachment.store"]
    registration = Event.objects.get(chain=f"voices.voice:{voice.pk}", action="voices.voice.submit")
    serialized = str(registration.data)
    assert "王小明" not in serialized and "13812345678" not in serialized
    assert registration.data["tracking_code"] == voice.tracking_code

    told = set(Notification.objects.filter(kind="voices.new").values_list("recipient_id", flat=True))
    assert told == {community_staff.pk, township_staff.pk}


def test_logged_in_resident_gets_no_code_and_is_the_submitter(intake, make_person):
    resident = make_person("resident", intake.community)
    result = do_submit_voice(voice_input(intake.community), actor=Actor(person=resident, role="resident"))
    assert result.verification_code == "" and result.voice.verification_hash == ""
    assert result.voice.submitter == resident
    assert not code_matches(result.voice, "")


def test_tracking_numbers_are_sequential_per_year(intake):
    first = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS).voice
    second = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS).voice
    year, number = first.tracking_code.split("-")[1:]
    assert second.tracking_code == f"MY-{year}-{int(number) + 1:06d}"
    assert TrackingCounter.objects.get(year=int(year)).last == int(number) + 1


def test_the_new_rows_are_linked_and_the_record_verifies(intake):
    """The intake writes its rows together with reserved ids (minyi.core.rows): they must be what
    the ORM path writes, and the record must verify, also with events appended later by the ORM."""
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS, photos=[photo()])
    voice = Voice.objects.select_related("instance", "milestones").get(pk=result.voice.pk)
    instance = voice.instance
    assert instance is not None and instance.pk == result.instance.pk
    assert (instance.process, instance.subject_type, instance.subject_id) == (
        "voice",
        "voices.voice",
        str(voice.pk),
    )
    assert instance.state == "registered" and instance.deadline_at is not None and not instance.is_final
    assert voice.milestones.registered_at == instance.state_entered_at
    assert voice.milestones.accept_due_at == instance.deadline_at
    events = list(Event.objects.filter(chain=f"voices.voice:{voice.pk}").order_by("seq"))
    assert [e.action for e in events] == ["voices.voice.submit", "voice.start", "core.attachment.store"]
    assert events[0].pk < events[1].pk < events[2].pk  # the ORM's insert came after the reserved ids
    assert events[1].data["instance"] == instance.pk
    assert ChainHead.objects.get(chain=events[0].chain).seq == 3
    later = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS).voice
    assert later.pk > voice.pk and later.instance_id > instance.pk
    assert verify_record().ok


def test_staff_registration_keeps_contact_private_and_records_the_clerk(intake, make_person):
    operator = make_person("hotline_operator", intake.city)
    actor = Actor(person=operator, role="hotline_operator", unit=intake.city)
    result = do_register_voice(
        voice_input(intake.community, contact_phone="0871-65123456"), actor=actor, channel_code="hotline"
    )
    voice = result.voice
    assert voice.registered_by == operator and voice.submitter is None
    assert voice.channel.code == "hotline" and voice.contact_phone == "0871-65123456"
    assert result.verification_code  # read out to the caller
    event = Event.objects.get(chain=f"voices.voice:{voice.pk}", action="voices.voice.register")
    assert event.actor == operator and event.actor_role == "hotline_operator"
    assert "0871" not in str(event.data) and "王小明" not in str(event.data)
    assert event.data["channel"] == "hotline"


@pytest.mark.parametrize(
    ("role", "where", "channel", "error"),
    [
        ("community_staff", "other_community", "visit", NotPermitted),  # out of scope
        ("department_handler", "department", "letter", NotPermitted),  # not an intake role
        ("courier", "community", "hotline", NotPermitted),  # couriers register their visits only
        ("community_staff", "community", "web", ActionError),  # a resident channel
        ("community_staff", "community", "nope", ActionError),
    ],
)
def test_staff_registration_refusals_write_nothing(intake, make_person, role, where, channel, error):
    grant_unit = getattr(intake, where) if where != "other_community" else intake.community
    staff = make_person(role, grant_unit)
    target = intake.other_community if where == "other_community" else intake.community
    before = counts()
    with pytest.raises(error):
        do_register_voice(voice_input(target), actor=Actor(person=staff, role=role), channel_code=channel)
    assert counts() == before


def test_courier_registers_a_home_visit(intake, make_person):
    courier = make_person("courier", intake.community)
    result = do_register_voice(
        voice_input(intake.community), actor=Actor(person=courier, role="courier"), channel_code="courier"
    )
    assert result.voice.channel.code == "courier"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"title": "长" * 101}, "title_too_long"),
        ({"content": ""}, "content_required"),
        ({"content": "字" * 4001}, "content_too_long"),
        ({"category": "no-such"}, "category_unknown"),
        ({"contact_phone": "12345"}, "phone_invalid"),
        ({"contact_phone": "0871-65123456"}, "phone_invalid"),  # residents give a mobile number
        ({"contact_email": "not-an-email"}, "email_invalid"),
        ({"kind": "deputy_suggestion"}, "kind_invalid"),
        ({"latitude": Decimal("91")}, "latitude_invalid"),
        ({"idempotency_key": "bad key with spaces"}, "idempotency_key_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(intake, overrides, code):
    before = counts()
    with pytest.raises(ActionError) as refused:
        do_submit_voice(voice_input(intake.community, **overrides), actor=ANONYMOUS, photos=[photo()])
    assert refused.value.code == code
    assert refused.value.details.get("field")
    assert counts() == before


@pytest.mark.parametrize("where", ["district", "department", "station"])
def test_unit_must_be_a_community_township_or_grid(intake, where):
    before = counts()
    with pytest.raises(ActionError) as refused:
        do_submit_voice(voice_input(getattr(intake, where)), actor=ANONYMOUS)
    assert refused.value.code == "unit_unknown"
    assert counts() == before


def test_unknown_unit_pk_and_inactive_category(intake):
    with pytest.raises(ActionError):
        do_submit_voice(voice_input(999999), actor=ANONYMOUS)
    Category.objects.filter(code="roads").update(is_active=False)
    with pytest.raises(ActionError) as refused:
        do_submit_voice(voice_input(intake.community, category="roads"), actor=ANONYMOUS)
    assert refused.value.code == "category_unknown"


def test_a_photo_that_is_not_an_image_refuses_the_whole_submission(intake):
    before = counts()
    with pytest.raises(ActionError) as refused:
        do_submit_voice(voice_input(intake.community), actor=ANONYMOUS, photos=[photo(), not_an_image()])
    assert refused.value.details["field"] == "photos"
    assert counts() == before


def test_at_most_nine_photos(intake):
    before = counts()
    with pytest.raises(ActionError) as refused:
        do_submit_voice(voice_input(intake.community), actor=ANONYMOUS, photos=[photo() for _ in range(10)])
    assert refused.value.code == "too_many_photos"
    assert counts() == before


def test_idempotent_replay_returns_the_first_item_and_writes_nothing(intake, make_person):
    first = do_submit_voice(voice_input(intake.community, idempotency_key="abc-1"), actor=ANONYMOUS)
    before = counts()
    again = do_submit_voice(
        voice_input(intake.community, idempotency_key="abc-1"), actor=ANONYMOUS, photos=[photo()]
    )
    assert again.created is False and again.voice.pk == first.voice.pk
    assert again.verification_code == first.verification_code
    assert counts() == before
    # The key is scoped to the caller: someone else's identical key makes their own item.
    resident = make_person("resident", intake.community)
    other = do_submit_voice(
        voice_input(intake.community, idempotency_key="abc-1"), actor=Actor(person=resident, role="resident")
    )
    assert other.created and other.voice.pk != first.voice.pk


def test_replay_is_answered_even_if_the_retry_is_malformed(intake):
    first = do_submit_voice(voice_input(intake.community, idempotency_key="k2"), actor=ANONYMOUS)
    again = do_submit_voice(voice_input(intake.community, idempotency_key="k2", content=""), actor=ANONYMOUS)
    assert again.voice.pk == first.voice.pk and not again.created


def test_find_tracked_voice_and_throttle(intake, settings):
    settings.MINYI_VOICE_TRACK_MAX_FAILURES = 3
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS)
    code = result.voice.tracking_code
    assert find_tracked_voice(code.lower(), result.verification_code, address="10.0.0.1") == result.voice
    for wrong in ["XXXXXXXX", "", "MY-2026-999999"]:
        with pytest.raises(ActionError) as refused:
            find_tracked_voice(code if wrong != "MY-2026-999999" else wrong, wrong, address="10.0.0.1")
        assert refused.value.code == "tracking_not_found"
    with pytest.raises(ActionError) as refused:
        find_tracked_voice(code, result.verification_code, address="10.0.0.1")
    assert refused.value.code == "tracking_throttled"
    assert find_tracked_voice(code, result.verification_code, address="10.0.0.2") == result.voice


def test_tracked_view_masks_contact_and_names_offices_only(intake, make_person):
    from minyi.core.engine import runtime

    staff = make_person("community_staff", intake.community, name="李四")
    result = do_submit_voice(voice_input(intake.community), actor=ANONYMOUS)
    runtime.transition(
        result.instance, "accept", actor=Actor(person=staff, role="community_staff", unit=intake.community)
    )
    view = tracked_view(Voice.objects.get(pk=result.voice.pk))
    assert view.contact_name == "王**" and view.contact_phone == "138****5678"
    assert view.state == "社区（站点）办理中"
    labels = [step.label for step in view.steps]
    assert labels == ["登记受理", "进入办理流程", "受理"]
    assert view.steps[-1].unit_name == "金沙社区"
    assert "李四" not in str(view.steps)
