"""Named predicates for ballots. The electorate is the snapshot taken at opening, never live roles."""

from __future__ import annotations

import rules

from minyi.ballots.models import Elector, Poll, PollState
from minyi.core.models import Person
from minyi.core.scope import has_role

# Roles that run votes in their unit: create, open, close, enter and confirm paper counts, publish.
POLL_OFFICIAL_ROLES = frozenset(
    {"admin", "leader", "district_staff", "township_staff", "community_staff", "station_staff"}
)


@rules.predicate
def is_poll_official(user: Person, poll: Poll | None = None) -> bool:
    return poll is not None and has_role(user, POLL_OFFICIAL_ROLES, poll.unit)


@rules.predicate
def is_elector(user: Person, poll: Poll | None = None) -> bool:
    if poll is None or not user.is_authenticated:
        return False
    cache: dict[int, bool] = user.__dict__.setdefault("_minyi_elector", {})
    if poll.pk not in cache:
        cache[poll.pk] = Elector.objects.filter(poll=poll, person=user).exists()
    return cache[poll.pk]


@rules.predicate
def is_published(user: Person, poll: Poll | None = None) -> bool:
    return poll is not None and poll.state == PollState.PUBLISHED


@rules.predicate
def shows_live_results(user: Person, poll: Poll | None = None) -> bool:
    return poll is not None and poll.show_live and poll.state in (PollState.OPEN, PollState.CLOSED)
