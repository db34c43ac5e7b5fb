"""Named ballots permissions as a grid of role × scope × state (more negative cases than positive)."""

from __future__ import annotations

import pytest

from minyi.ballots.actions import do_close_poll, do_open_poll, do_publish_poll
from minyi.core.models import Person


@pytest.fixture
def people(tree, make_person, members):
    return {
        "official": make_person("community_staff", tree.community),
        "township_staff": make_person("township_staff", tree.township),
        "official_elsewhere": make_person("community_staff", tree.other_community),
        "resident": make_person("resident", tree.community),
        "member": members[0],
        "supervisor": make_person("supervisor", tree.district),
    }


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)  # no cached grants from an earlier check


GRID = {
    # perm: {person: allowed while open}
    "ballots.manage_poll": {"official", "township_staff"},
    "ballots.view_poll": {"official", "township_staff", "member", "supervisor"},
    "ballots.cast_ballot": {"member"},
    "ballots.view_results": set(),
}


@pytest.mark.parametrize("perm", sorted(GRID))
def test_permission_grid_while_open(make_poll, members, people, system, perm) -> None:
    poll = do_open_poll(make_poll(secrecy="secret"), actor=system)
    for name, person in people.items():
        assert fresh(person).has_perm(perm, poll) == (name in GRID[perm]), (perm, name)


def test_published_results_are_public(make_poll, members, people, system) -> None:
    poll = do_publish_poll(do_close_poll(do_open_poll(make_poll(), actor=system), actor=system), actor=system)
    for person in people.values():
        assert fresh(person).has_perm("ballots.view_results", poll)
        assert fresh(person).has_perm("ballots.view_poll", poll)
    assert not fresh(people["member"]).has_perm("ballots.manage_poll", poll)
