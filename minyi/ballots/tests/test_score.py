"""On-site scoring of an appraisal (E3): rater groups with their own forms and weights."""

from __future__ import annotations

import pytest

from minyi.ballots.actions import do_cast_ballot, do_close_poll, do_open_poll, do_publish_poll
from minyi.ballots.tests.conftest import voter
from minyi.core.errors import ActionError
from minyi.core.models import Event

RULE = {
    "groups": [
        {
            "code": "deputies",
            "name": "人大代表",
            "weight": "0.6",
            "criteria": [
                {"code": "work", "name": "工作实绩", "weight": 7},
                {"code": "style", "name": "工作作风", "weight": 3},
            ],
        },
        {
            "code": "residents",
            "name": "群众代表",
            "weight": "0.4",
            "criteria": [{"code": "overall", "name": "总体评价"}],
        },
    ],
}


@pytest.fixture
def score_poll(make_poll, members, system):
    poll = make_poll("score", "secret", RULE, ["王局长"])
    do_open_poll(poll, actor=system, raters={"deputies": members[:3], "residents": members[3:]})
    return poll


def test_weighted_score_and_grade(score_poll, members, system) -> None:
    for person in members[:3]:
        do_cast_ballot(score_poll, {"1": {"work": 90, "style": 80}}, actor=voter(person))  # 87
    do_cast_ballot(score_poll, {"1": {"overall": 70}}, actor=voter(members[3]))
    do_cast_ballot(score_poll, {"1": {"overall": "60.5"}}, actor=voter(members[4]))
    poll = do_publish_poll(do_close_poll(score_poll, actor=system), actor=system)
    subject = poll.result["options"]["1"]
    assert subject["score"] == "78.30"  # 0.6 × 87 + 0.4 × 65.25
    assert subject["grade"] == "基本满意"
    assert [(g["code"], g["raters"], g["mean"]) for g in subject["groups"]] == [
        ("deputies", 3, "87.00"),
        ("residents", 2, "65.25"),
    ]


def test_empty_group_reweighted(score_poll, members, system) -> None:
    do_cast_ballot(score_poll, {"1": {"work": 80, "style": 80}}, actor=voter(members[0]))
    poll = do_close_poll(score_poll, actor=system)
    subject = poll.result["options"]["1"]
    assert subject["score"] == "80.00" and subject["grade"] == "满意"
    assert subject["groups"][1]["weight"] == "0.0000"


@pytest.mark.parametrize(
    ("person_index", "choices", "code"),
    [
        (0, {"1": {"work": 101, "style": 80}}, "score_out_of_range"),
        (0, {"1": {"work": -5, "style": 80}}, "score_out_of_range"),
        (0, {"1": {"work": 90}}, "criteria_mismatch"),
        (3, {"1": {"work": 90, "style": 80}}, "criteria_mismatch"),  # the residents' form is different
        (0, {"2": {"work": 90, "style": 80}}, "subjects_mismatch"),
        (0, {"1": {"work": "abc", "style": 80}}, "score_invalid"),
    ],
)
def test_bad_scores_refused(score_poll, members, person_index, choices, code) -> None:
    before = Event.objects.count()
    with pytest.raises(ActionError) as exc:
        do_cast_ballot(score_poll, choices, actor=voter(members[person_index]))
    assert exc.value.code == code
    assert Event.objects.count() == before


def test_rater_in_two_groups_refused(make_poll, members, system) -> None:
    poll = make_poll("score", "secret", RULE, ["王局长"])
    with pytest.raises(ActionError) as exc:
        do_open_poll(poll, actor=system, raters={"deputies": members[:3], "residents": members[2:]})
    assert exc.value.code == "rater_in_two_groups"
