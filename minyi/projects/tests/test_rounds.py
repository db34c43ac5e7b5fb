"""P1/P2 through actions: recommendation, screening, opinions, shortlist, the deputies' vote."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event
from minyi.projects.actions.projects import (
    RecommendationInput,
    ScreeningInput,
    do_recommend_project,
    do_record_opinion,
    do_screen_project,
)
from minyi.projects.actions.rounds import (
    RoundInput,
    do_close_vote,
    do_create_round,
    do_open_vote,
    do_publish_round,
    do_shortlist,
    do_start_consulting,
    do_start_screening,
)
from minyi.projects.models import Project, ProjectStatus, RoundState


@pytest.fixture
def staff(tree, make_person):
    return make_person("township_staff", tree.township, name="镇干部")


@pytest.fixture
def station(tree, make_person):
    return make_person("station_staff", tree.station, name="站长")


def actor(person):
    return Actor(person=person, role="", unit=None)


def make_round(tree, staff, **kw):
    data = {"unit": tree.township, "year": 2026, "title": "2026年青云街道民生实事", "seats": 2} | kw
    return do_create_round(RoundInput(**data), actor=actor(staff))


def recommend(round_, person, tree, title, cost="100000"):
    return do_recommend_project(
        round_,
        RecommendationInput(
            title=title,
            description="理由",
            unit=tree.community,
            cost=cost,
            place="金沙社区",
            beneficiaries=500,
        ),
        actor=actor(person),
    )


def to_shortlist(round_, tree, staff, station, titles, costs=None):
    projects = []
    for t in titles:
        projects.append(recommend(round_, station, tree, t, cost=(costs or {}).get(t, "100000")))
    round_ = do_start_screening(round_, actor=actor(staff))
    for p in projects:
        do_screen_project(p, ScreeningInput(include=True, reason="符合条件"), actor=actor(station))
    round_ = do_start_consulting(round_, actor=actor(staff))
    do_record_opinion(projects[0], tree.department, "support", "同意", actor=actor(staff))
    round_ = do_shortlist(round_, projects, actor=actor(staff))
    return round_, projects


def test_recommend_screen_and_reason_is_public(tree, staff, station, make_person):
    resident = make_person("resident", tree.community, name="李四")
    round_ = make_round(tree, staff)
    project = recommend(round_, resident, tree, "金沙社区加装路灯")
    assert project.source == "resident" and project.status == ProjectStatus.RECOMMENDED
    round_ = do_start_screening(round_, actor=actor(staff))
    project = do_screen_project(
        project, ScreeningInput(include=False, reason="已列入区级计划", cost="80000"), actor=actor(station)
    )
    assert project.status == ProjectStatus.SCREENED_OUT and project.cost == Decimal("80000")
    event = Event.objects.get(action="projects.project.screen")
    assert event.public and event.reason == "已列入区级计划"


@pytest.mark.parametrize(
    ("unit", "cost", "code"),
    [
        (None, "1000", "unit_required"),
        ("community", None, "cost_required"),
        ("community", "-5", "input_invalid"),
    ],
)
def test_bad_recommendation_writes_nothing(tree, staff, make_person, unit, cost, code):
    resident = make_person("resident", tree.community)
    round_ = make_round(tree, staff)
    events = Event.objects.count()
    with pytest.raises(ActionError) as err:
        do_recommend_project(
            round_,
            RecommendationInput(
                title="x", description="y", unit=getattr(tree, unit) if unit else None, cost=cost
            ),
            actor=actor(resident),
        )
    assert err.value.code == code
    assert Project.objects.count() == 0 and Event.objects.count() == events


def test_screening_needs_reason_and_role(tree, staff, station, make_person):
    resident = make_person("resident", tree.community)
    round_ = make_round(tree, staff)
    project = recommend(round_, resident, tree, "项目")
    do_start_screening(round_, actor=actor(staff))
    with pytest.raises(ActionError) as err:
        do_screen_project(project, ScreeningInput(include=True, reason=" "), actor=actor(station))
    assert err.value.code == "reason_required"
    with pytest.raises(NotPermitted):
        do_screen_project(project, ScreeningInput(include=True, reason="好"), actor=actor(resident))
    project.refresh_from_db()
    assert project.status == ProjectStatus.RECOMMENDED


def test_shortlist_must_outnumber_seats(tree, staff, station):
    round_ = make_round(tree, staff, seats=2)
    projects = [recommend(round_, station, tree, f"项目{i}") for i in range(2)]
    round_ = do_start_screening(round_, actor=actor(staff))
    for p in projects:
        do_screen_project(p, ScreeningInput(include=True, reason="可行"), actor=actor(station))
    round_ = do_start_consulting(round_, actor=actor(staff))
    with pytest.raises(ActionError) as err:
        do_shortlist(round_, projects, actor=actor(staff))
    assert err.value.code == "not_competitive"
    round_.refresh_from_db()
    assert round_.state == RoundState.CONSULTING
    assert not Project.objects.filter(status=ProjectStatus.SHORTLISTED).exists()


def test_vote_in_round_not_open_is_refused(tree, staff, station, make_person):
    deputy = make_person("deputy", tree.township)
    round_, projects = to_shortlist(make_round(tree, staff), tree, staff, station, ["甲", "乙", "丙"])
    with pytest.raises(Conflict):
        do_close_vote(round_, actor=actor(staff))
    from minyi.projects.actions.rounds import do_open_vote as open_vote

    round_ = open_vote(round_, actor=actor(staff), electorate=[deputy])
    round_ = do_close_vote(round_, actor=actor(staff))
    with pytest.raises(Conflict) as err:
        do_cast_ballot(round_.poll, [str(projects[0].pk)], actor=actor(deputy))
    assert err.value.code == "poll_wrong_state"


def test_seats_vote_majority_of_all_deputies_and_publish(tree, staff, station, make_person):
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(5)]
    round_, (a, b, c) = to_shortlist(make_round(tree, staff), tree, staff, station, ["甲", "乙", "丙"])
    round_ = do_open_vote(round_, actor=actor(staff))
    assert round_.poll.electorate_size == 5
    marks = [[a, b], [a, b], [a, c], [a], [b]]
    for deputy, chosen in zip(deputies, marks, strict=True):
        do_cast_ballot(round_.poll, [str(p.pk) for p in chosen], actor=actor(deputy))
    round_ = do_close_vote(round_, actor=actor(staff))
    round_ = do_publish_round(round_, actor=actor(staff))
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.status, a.votes) == (ProjectStatus.ELECTED, 4)
    assert (b.status, b.votes) == (ProjectStatus.ELECTED, 3)  # 3 > 5/2
    assert c.status == ProjectStatus.NOT_ELECTED
    assert "未达到当选所需 3 票" in round_.result["projects"][str(c.pk)]["explanation"]
    assert Event.objects.filter(action="projects.round.publish", public=True).exists()


def test_tie_goes_to_runoff(tree, staff, station, make_person):
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(4)]
    round_, (a, b, c) = to_shortlist(
        make_round(tree, staff, seats=1), tree, staff, station, ["甲", "乙", "丙"]
    )
    round_ = do_open_vote(round_, actor=actor(staff))
    for deputy, chosen in zip(deputies, [[a], [a], [a], [b]], strict=True):
        do_cast_ballot(round_.poll, [str(p.pk) for p in chosen], actor=actor(deputy))
    round_ = do_close_vote(round_, actor=actor(staff))
    assert round_.result["open_seats"] == 0
    # Two seats, 3 deputies: a, b tie at 2 for the last seat → runoff between them.
    round2, (x, y, z) = to_shortlist(
        make_round(tree, staff, seats=1, title="第二批"), tree, staff, station, ["丁", "戊", "己"]
    )
    round2 = do_open_vote(round2, actor=actor(staff), electorate=deputies[:3])
    for deputy, chosen in zip(deputies[:3], [[x], [y], [x]], strict=True):
        do_cast_ballot(round2.poll, [str(p.pk) for p in chosen], actor=actor(deputy))
    round2 = do_close_vote(round2, actor=actor(staff))
    assert round2.result["runoff"] == [] and round2.result["open_seats"] == 0
    round3, (p1, p2, p3) = to_shortlist(
        make_round(tree, staff, seats=1, title="第三批"), tree, staff, station, ["庚", "辛", "壬"]
    )
    round3 = do_open_vote(round3, actor=actor(staff), electorate=deputies)
    for deputy, chosen in zip(deputies, [[p1], [p1], [p2], [p2]], strict=True):
        do_cast_ballot(round3.poll, [str(p.pk) for p in chosen], actor=actor(deputy))
    round3 = do_close_vote(round3, actor=actor(staff))
    # 2 of 4 is not more than half: nobody elected, the best two go to a second round.
    assert set(round3.result["runoff"]) == {str(p1.pk), str(p2.pk)}
    with pytest.raises(Conflict) as err:
        do_publish_round(round3, actor=actor(staff))
    assert err.value.code == "runoff_pending"
    round3 = do_open_vote(round3, actor=actor(staff), electorate=deputies)
    assert round3.poll_id != round3.first_poll_id
    for deputy in deputies[:3]:
        do_cast_ballot(round3.poll, [str(p1.pk)], actor=actor(deputy))
    round3 = do_close_vote(round3, actor=actor(staff))
    round3 = do_publish_round(round3, actor=actor(staff))
    p1.refresh_from_db()
    assert p1.status == ProjectStatus.ELECTED


def test_budget_round_greedy_from_deputies_votes(tree, staff, station, make_person):
    deputies = [make_person("deputy", tree.township, name=f"代表{i}") for i in range(3)]
    round_ = make_round(tree, staff, selection_rule="greedy", budget="500000", title="预算轮")
    round_, (a, b, c) = to_shortlist(
        round_,
        tree,
        staff,
        station,
        ["甲", "乙", "丙"],
        costs={"甲": "300000", "乙": "450000", "丙": "200000"},
    )
    round_ = do_open_vote(round_, actor=actor(staff))
    for deputy, chosen in zip(deputies, [[a, b], [a, b], [a, c]], strict=True):
        do_cast_ballot(round_.poll, [str(p.pk) for p in chosen], actor=actor(deputy))
    round_ = do_close_vote(round_, actor=actor(staff))
    decisions = round_.result["projects"]
    assert decisions[str(a.pk)]["selected"] and decisions[str(c.pk)]["selected"]
    assert not decisions[str(b.pk)]["selected"]
    assert (
        decisions[str(b.pk)]["explanation"]
        == "得票 2，排名第2；预算剩余 20万元，不足以支付本项目 45万元，未入选。"
    )


def test_wrong_role_cannot_create_round(tree, make_person):
    resident = make_person("resident", tree.community)
    with pytest.raises(NotPermitted):
        do_create_round(RoundInput(unit=tree.township, year=2026, title="x", seats=1), actor=actor(resident))
