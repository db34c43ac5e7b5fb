"""Ballots HTTP API (a ninja Router; the lead mounts it at /api/v1/ballots/).

Authentication is wired by the lead: the caller is `request.auth` when it is a Person (token auth),
else `request.user` (session). Every handler checks a named rule, then calls an action.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Ballot, Poll, PollState
from minyi.ballots.pool import pending_receipt
from minyi.ballots.predicates import POLL_OFFICIAL_ROLES
from minyi.core.actors import Actor
from minyi.core.apiutil.auth import current_person, optional_person
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.models import Person
from minyi.core.scope import scope_q

router = Router(tags=["ballots"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


class OptionOut(Schema):
    key: str
    label: str


class PollOut(Schema):
    id: int
    unit_id: int
    title: str
    description: str
    method: str
    secrecy: str
    counting: str
    state: str
    rule: dict[str, Any]
    quorum: dict[str, Any] | None
    show_live: bool
    electorate_size: int | None
    present_size: int | None
    options: list[OptionOut]

    @staticmethod
    def resolve_options(poll: Poll) -> list[OptionOut]:
        return [OptionOut(key=o.key, label=o.label) for o in poll.options.all()]


class CastIn(Schema):
    choices: Any  # "yes"|"no"|"abstain"; [candidate keys]; {subject key: {criterion: score}}


class CastOut(Schema):
    poll_id: int
    receipt: str


class ResultOut(Schema):
    poll_id: int
    state: str
    result: dict[str, Any] | None


class ReceiptOut(Schema):
    receipt: str
    counted: bool
    choices: Any = None  # shown once the poll is published


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def caller(request: HttpRequest) -> Person | AnonymousUser:
    """The token or session person on public operations (auth=None); anonymous otherwise."""
    return optional_person(request) or AnonymousUser()


def not_found() -> tuple[int, ErrorOut]:
    return 404, ErrorOut(code="poll_not_found", message="表决不存在或无权查看")


def visible_poll(request: HttpRequest, poll_id: int) -> Poll | None:
    poll = Poll.objects.select_related("unit").prefetch_related("options").filter(pk=poll_id).first()
    if poll is None or not caller(request).has_perm("ballots.view_poll", poll):
        return None
    return poll


@router.get("/polls", response=list[PollOut], auth=None)
def list_polls(request: HttpRequest, unit: ObjectId | None = None) -> Any:
    """Polls the caller may see: published ones, those they vote in, those they run."""
    person = caller(request)
    visible = Q(state=PollState.PUBLISHED)
    if isinstance(person, Person):
        visible |= Q(electors__person=person) | scope_q(person, POLL_OFFICIAL_ROLES)
    polls = Poll.objects.filter(visible).distinct().prefetch_related("options").order_by("-id")
    if unit is not None:
        polls = polls.filter(unit_id=unit)
    return polls[:200]


@router.get("/polls/{poll_id}", response={200: PollOut, **ERRORS}, auth=None)
def get_poll(request: HttpRequest, poll_id: ObjectId) -> Any:
    poll = visible_poll(request, poll_id)
    return poll if poll is not None else not_found()


@router.post("/polls/{poll_id}/cast", response={200: CastOut, **ERRORS})
def cast(request: HttpRequest, poll_id: ObjectId, payload: CastIn) -> Any:
    # Default API auth (token, or session with CSRF): casting is never anonymous. ActionErrors from
    # the action become {code, message, details} through the API's shared handler.
    person = current_person(request)
    poll = visible_poll(request, poll_id)
    if poll is None:
        return not_found()
    if not person.has_perm("ballots.cast_ballot", poll):
        return 403, ErrorOut(code="not_elector", message="您不在本次表决的投票人名单中")
    receipt = do_cast_ballot(poll, payload.choices, actor=Actor(person=person, role="voter", unit=poll.unit))
    return CastOut(poll_id=receipt.poll_id, receipt=receipt.receipt)


@router.get("/polls/{poll_id}/results", response={200: ResultOut, **ERRORS}, auth=None)
def results(request: HttpRequest, poll_id: ObjectId) -> Any:
    poll = visible_poll(request, poll_id)
    if poll is None:
        return not_found()
    if not caller(request).has_perm("ballots.view_results", poll):
        return 403, ErrorOut(code="results_not_published", message="结果尚未公布")
    result = poll.result
    if result is None and poll.state == PollState.OPEN:  # live results of a named show_live poll
        from minyi.ballots.results import compute_result

        result = compute_result(poll)
    return ResultOut(poll_id=poll.pk, state=poll.state, result=result)


@router.get("/polls/{poll_id}/receipts", response={200: list[ReceiptOut], **ERRORS}, auth=None)
def receipts(request: HttpRequest, poll_id: ObjectId) -> Any:
    """The public receipt list of a published poll, ordered by receipt code (which carries no order)."""
    poll = visible_poll(request, poll_id)
    if poll is None:
        return not_found()
    if poll.state != PollState.PUBLISHED:
        return 403, ErrorOut(code="results_not_published", message="结果尚未公布")
    rows = Ballot.objects.filter(poll=poll).order_by("receipt").values_list("receipt", "choices")
    return [ReceiptOut(receipt=r, counted=True, choices=c) for r, c in rows]


@router.get("/polls/{poll_id}/receipts/{code}", response={200: ReceiptOut, **ERRORS}, auth=None)
def check_receipt(request: HttpRequest, poll_id: ObjectId, code: Text) -> Any:
    """Anyone holding a code may check it was counted; its choices are shown after publication."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        return not_found()
    row = (
        Ballot.objects.filter(poll=poll, receipt=code.strip().upper())
        .values_list("choices", flat=True)
        .first()
    )
    if row is None and poll.state == PollState.OPEN and pending_receipt(poll, code.strip().upper()):
        return ReceiptOut(receipt=code.strip().upper(), counted=True, choices=None)  # in the pool
    if row is None:
        return 404, ErrorOut(code="receipt_not_found", message="未找到该回执码")
    shown = row if poll.state == PollState.PUBLISHED else None
    return ReceiptOut(receipt=code.strip().upper(), counted=True, choices=shown)
