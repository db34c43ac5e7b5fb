"""Responding: invited lists, named respondents, open links with a device guard, anonymity, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event
from minyi.surveys.actions import do_close_survey, do_open_survey, do_submit_response
from minyi.surveys.models import Answer, DeviceGuard, Invitation, RespondentGroup, Response
from minyi.surveys.tests.conftest import events, good_answers, respondent, staff_actor


@pytest.fixture
def open_survey(make_survey: Any, staff: Any):  # type: ignore[no-untyped-def]
    def make(anonymity: str = "anonymous") -> Any:
        return do_open_survey(make_survey(anonymity), actor=staff_actor(staff))

    return make


def group(survey: Any, name: str) -> RespondentGroup:
    return RespondentGroup.objects.select_related("survey").get(survey=survey, name=name)


def stored() -> tuple[int, int, int, int]:
    return (
        Response.objects.count(),
        Answer.objects.count(),
        DeviceGuard.objects.count(),
        Event.objects.count(),
    )


def test_invited_anonymous_response_is_unlinkable(open_survey: Any, reps: list) -> None:
    survey = open_survey()
    result = do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(reps[0]))
    assert result.answered == 6
    response = Response.objects.get()
    assert response.respondent is None and response.submitted_at is None
    assert Invitation.objects.get(person=reps[0]).responded is True
    # q2 has two choices, q5 two matrix rows: 1 + 2 + 1 + 1 + 2 + 1 rows.
    assert Answer.objects.count() == 8
    event = events(survey, "surveys.response.submit")[0]
    assert event.actor_id == reps[0].pk and event.data == {} and not event.public
    # A second response from the same person is refused and writes nothing.
    before = stored()
    with pytest.raises(Conflict) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(reps[0]))
    assert err.value.code == "already_responded"
    assert stored() == before


def test_closing_rewrites_anonymous_rows_under_new_ids(open_survey: Any, reps: list, staff: Any) -> None:
    survey = open_survey()
    for person in reps:
        do_submit_response(group(survey, "居民代表"), good_answers(q3=5), actor=respondent(person))
    old_responses = set(Response.objects.values_list("id", flat=True))
    old_answers = set(Answer.objects.values_list("id", flat=True))
    survey = do_close_survey(survey, actor=staff_actor(staff))
    assert survey.responses_count == 3
    assert not old_responses & set(Response.objects.values_list("id", flat=True))
    assert not old_answers & set(Answer.objects.values_list("id", flat=True))
    assert Answer.objects.count() == 24 and Answer.objects.filter(question__key="q3", value=5).count() == 3


def test_named_response_records_respondent(open_survey: Any, reps: list) -> None:
    survey = open_survey("named")
    do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(reps[1]))
    response = Response.objects.get()
    assert response.respondent == reps[1] and response.submitted_at is not None
    assert events(survey, "surveys.response.submit")[0].data["response"] == str(response.pk)


def test_not_invited_and_anonymous_caller_refused(open_survey: Any, deputies: list) -> None:
    survey = open_survey()
    with pytest.raises(NotPermitted) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(deputies[0]))
    assert err.value.code == "not_invited"
    with pytest.raises(NotPermitted) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(None))
    assert err.value.code == "login_required"
    assert Response.objects.count() == 0


def test_open_link_one_response_per_device(open_survey: Any) -> None:
    survey = open_survey()
    public = group(survey, "受益群众")
    do_submit_response(public, good_answers(), actor=respondent(None), device_key="device-a")
    before = stored()
    with pytest.raises(Conflict) as err:
        do_submit_response(public, good_answers(), actor=respondent(None), device_key="device-a")
    assert err.value.code == "already_responded"
    assert stored() == before
    do_submit_response(public, good_answers(), actor=respondent(None), device_key="device-b")
    with pytest.raises(ActionError) as err:
        do_submit_response(public, good_answers(), actor=respondent(None), device_key="")
    assert err.value.code == "device_key_required"
    assert Response.objects.count() == 2
    # Only keyed hashes are stored, never the cookie itself.
    assert not DeviceGuard.objects.filter(key_hash__in=["device-a", "device-b"]).exists()


def test_signed_in_person_on_open_link_cannot_answer_from_two_browsers(open_survey: Any, reps: list) -> None:
    survey = open_survey()
    public = group(survey, "受益群众")
    do_submit_response(public, good_answers(), actor=respondent(reps[0]), device_key="phone")
    with pytest.raises(Conflict):
        do_submit_response(public, good_answers(), actor=respondent(reps[0]), device_key="laptop")


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"q3": 6}, "rating_out_of_scale", "q3"),
        ({"q3": 0}, "rating_out_of_scale", "q3"),
        ({"q3": "4.5"}, "rating_invalid", "q3"),
        ({"q3": "很好"}, "rating_invalid", "q3"),
        ({"q4": 101}, "rating_out_of_scale", "q4"),
        ({"q4": -1}, "rating_out_of_scale", "q4"),
        ({"q1": None}, "answer_required", "q1"),
        ({"q1": "9"}, "choice_not_offered", "q1"),
        ({"q2": ["1", "2", "3"]}, "too_many_choices", "q2"),
        ({"q2": ["1", "1"]}, "choice_repeated", "q2"),
        ({"q2": ["7"]}, "choice_not_offered", "q2"),
        ({"q5": {"1": "1"}}, "matrix_incomplete", "q5"),
        ({"q5": {"1": "1", "2": "9"}}, "choice_not_offered", "q5"),
        ({"q5": {"1": "1", "2": "1", "3": "1"}}, "row_unknown", "q5"),
        ({"q6": "长" * 51}, "text_too_long", "q6"),
        ({"q9": "多余"}, "question_unknown", "q9"),
    ],
)
def test_bad_answers_refused_nothing_stored(
    open_survey: Any, reps: list, override: dict, code: str, field: str
) -> None:
    survey = open_survey()
    before = stored()
    with pytest.raises(ActionError) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(**override), actor=respondent(reps[0]))
    assert err.value.code == code
    assert err.value.details["field"] == field and field in err.value.details["errors"]
    assert stored() == before
    assert Invitation.objects.filter(responded=True).count() == 0


def test_several_errors_reported_per_question(open_survey: Any, reps: list) -> None:
    survey = open_survey()
    with pytest.raises(ActionError) as err:
        do_submit_response(
            group(survey, "居民代表"), good_answers(q1=None, q3=9, q4=None), actor=respondent(reps[0])
        )
    assert set(err.value.details["errors"]) == {"q1", "q3", "q4"}


def test_optional_question_may_be_left_blank(open_survey: Any, reps: list) -> None:
    survey = open_survey()
    do_submit_response(group(survey, "居民代表"), good_answers(q6=""), actor=respondent(reps[0]))
    assert not Answer.objects.filter(question__key="q6").exists()


def test_answering_a_closed_survey_refused(open_survey: Any, reps: list, staff: Any) -> None:
    survey = do_close_survey(open_survey(), actor=staff_actor(staff))
    with pytest.raises(Conflict) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(reps[0]))
    assert err.value.code == "survey_not_open"
    assert Response.objects.count() == 0


def test_draft_survey_refuses_answers(make_survey: Any, reps: list) -> None:
    survey = make_survey()
    with pytest.raises(Conflict) as err:
        do_submit_response(group(survey, "居民代表"), good_answers(), actor=respondent(reps[0]))
    assert err.value.code == "survey_not_open"


def test_anonymous_rows_carry_no_order() -> None:
    # Random primary keys and no timestamp: nothing in a content row orders it against participation.
    for model in (Response, Answer):
        assert model._meta.pk.get_internal_type() == "UUIDField"
        assert not model._meta.ordering
    assert "created_at" not in {f.name for f in Response._meta.get_fields()}
    assert not {f.name for f in Invitation._meta.get_fields()} & {"responded_at", "created_at"}
