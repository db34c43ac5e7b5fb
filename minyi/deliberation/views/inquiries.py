"""D6 pages: Q&A sessions and special inquiries, special work appraisals with on-site scoring."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Elector, PollState
from minyi.core.errors import ActionError
from minyi.core.models import Unit
from minyi.core.scope import scope_q
from minyi.deliberation.actions import appraisals as appraisal_actions
from minyi.deliberation.actions import inquiries as actions
from minyi.deliberation.models import (
    Appraisal,
    AppraisalState,
    FollowUp,
    InquirySession,
    Question,
    SessionKind,
    SessionState,
)
from minyi.deliberation.organisers import ASKER_ROLES, ORGANISER_ROLES, is_organiser, organiser_actor
from minyi.deliberation.views.common import get_or_404
from minyi.deliberation.views.ops import (
    moment,
    people_by_usernames,
    person_by_username,
    required_day,
    run_operation,
    scope_units,
    text,
    unit_in,
)
from minyi.voices.models import Category

# The default scoring form offered on the create page (seed 003: 会组员、基层代表、职能部门 fill different forms).
DEFAULT_CRITERIA = [
    {"code": "work", "name": "工作成效", "weight": "0.6"},
    {"code": "attitude", "name": "作风与态度", "weight": "0.4"},
]

# Seed 003 (马山): 会组员、基层代表、职能部门负责人 fill different forms, weighted; the fourth row is free.
DEFAULT_GROUPS = [
    (1, "deputies", "人大代表组", "0.5"),
    (2, "residents", "群众代表组", "0.3"),
    (3, "recipients", "服务对象组", "0.2"),
    (4, "", "", ""),
]


def _person(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user if request.user.is_authenticated else None


def index(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied

        def unit(r: HttpRequest) -> Unit:
            chosen = unit_in(r, "unit")
            if not is_organiser(person, chosen):
                raise ActionError("unit_unknown", _("请选择您所在的单位"), {"field": "unit"})
            return chosen

        def create_session(r: HttpRequest) -> object:
            u = unit(r)
            return actions.do_create_session(
                u,
                actions.SessionInput(
                    kind=text(r, "kind"),
                    title=text(r, "title"),
                    subject=text(r, "subject"),
                    held_at=moment(r, "held_at"),
                    place=text(r, "place"),
                ),
                actor=organiser_actor(person, u),
            )

        def create_appraisal(r: HttpRequest) -> object:
            u = unit(r)
            groups = []
            for i in range(1, 5):
                code, name, weight = (
                    text(r, f"g{i}_code").strip(),
                    text(r, f"g{i}_name").strip(),
                    text(r, f"g{i}_weight"),
                )
                if not code:
                    continue
                try:
                    groups.append(
                        {
                            "code": code,
                            "name": name,
                            "weight": str(Decimal(weight)),
                            "criteria": DEFAULT_CRITERIA,
                        }
                    )
                except InvalidOperation:
                    raise ActionError(
                        "input_invalid", _("权重必须是数字"), {"field": f"g{i}_weight"}
                    ) from None
            departments = list(
                Unit.objects.filter(pk__in=[int(v) for v in r.POST.getlist("departments") if v.isdigit()])
            )
            return appraisal_actions.do_create_appraisal(
                u,
                appraisal_actions.AppraisalInput(
                    title=text(r, "title"),
                    work=text(r, "work"),
                    held_at=moment(r, "held_at"),
                    departments=departments,
                    groups=groups,
                ),
                actor=organiser_actor(person, u),
            )

        return run_operation(
            request, {"session": create_session, "appraisal": create_appraisal}, to="deliberation:inquiries"
        )
    own = scope_q(person, ORGANISER_ROLES) if person is not None else Q(pk__in=[])
    sessions = InquirySession.objects.filter(Q(state=SessionState.PUBLISHED) | own).select_related("unit")
    appraisals = Appraisal.objects.filter(Q(state=AppraisalState.ANNOUNCED) | own).select_related("unit")
    units = scope_units(person) if person is not None else []
    return render(
        request,
        "deliberation/inquiries.html",
        {
            "sessions": list(sessions.order_by("-held_at")[:100]),
            "appraisals": list(appraisals.order_by("-held_at")[:100]),
            "units": units,
            "departments": [u for u in units if u.kind == "department"],
            "kinds": SessionKind.choices,
            "default_groups": DEFAULT_GROUPS,
        },
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    session = get_or_404(InquirySession.objects.select_related("unit"), pk=pk)
    organiser = is_organiser(person, session.unit)
    if session.state != SessionState.PUBLISHED and not organiser:
        raise Http404
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        actor = organiser_actor(person, session.unit)

        def question_of(r: HttpRequest) -> Question:
            q = session.questions.filter(pk=int(v) if (v := text(r, "question")).isdigit() else 0).first()
            if q is None:
                raise ActionError("question_unknown", _("未找到该问题"), {})
            return q

        def follow_up(r: HttpRequest) -> object:
            if r.POST.get("as_voice") == "1":
                category = Category.objects.filter(
                    pk=int(v) if (v := text(r, "category")).isdigit() else 0
                ).first()
                if category is None:
                    raise ActionError("category_unknown", _("请选择民情类别"), {"field": "category"})
                return actions.do_follow_up_as_voice(
                    question_of(r),
                    title=text(r, "title") or session.title,
                    text=text(r, "text"),
                    category=category,
                    unit=unit_in(r, "unit"),
                    actor=actor,
                )
            return actions.do_track_follow_up(
                question_of(r),
                text(r, "text"),
                responsible_unit=unit_in(r, "unit"),
                deadline=required_day(r, "deadline"),
                actor=actor,
            )

        def done(r: HttpRequest) -> object:
            f = FollowUp.objects.filter(
                pk=int(v) if (v := text(r, "follow_up")).isdigit() else 0, question__session=session
            ).first()
            if f is None:
                raise ActionError("follow_up_unknown", _("未找到该事项"), {})
            return actions.do_complete_follow_up(f, result=text(r, "result"), actor=actor)

        operations = {
            "question": lambda r: actions.do_record_question(
                session, person_by_username(text(r, "asker"), "asker"), text(r, "text"), actor=actor
            ),
            "answer": lambda r: actions.do_record_answer(
                question_of(r),
                person_by_username(text(r, "official"), "official"),
                office=text(r, "office"),
                office_unit=unit_in(r, "office_unit"),
                text=text(r, "text"),
                actor=actor,
            ),
            "follow_up": follow_up,
            "done": done,
            "publish": lambda r: actions.do_publish_session(session, actor=actor),
        }
        return run_operation(request, operations, session.pk, to="deliberation:inquiry")
    questions = list(
        session.questions.select_related("asker").prefetch_related(
            "answers__official", "answers__office_unit", "follow_ups__responsible_unit", "follow_ups__voice"
        )
    )
    return render(
        request,
        "deliberation/inquiry.html",
        {
            "session": session,
            "questions": questions,
            "organiser": organiser,
            "units": scope_units(person) if organiser else [],
            "categories": list(Category.objects.order_by("pk")[:100]) if organiser else [],
            "asker_roles": ASKER_ROLES,
        },
    )


def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    appraisal = get_or_404(Appraisal.objects.select_related("unit", "poll"), pk=pk)
    organiser = is_organiser(person, appraisal.unit)
    if appraisal.state != AppraisalState.ANNOUNCED and not organiser:
        raise Http404
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        actor = organiser_actor(person, appraisal.unit)
        operations = {
            "raters": lambda r: appraisal_actions.do_add_raters(
                appraisal, text(r, "group"), people_by_usernames(text(r, "usernames")), actor=actor
            ),
            "start": lambda r: appraisal_actions.do_start_scoring(
                appraisal, actor=actor, secret=r.POST.get("named") != "1"
            ),
            "announce": lambda r: appraisal_actions.do_announce_appraisal(appraisal, actor=actor),
        }
        return run_operation(request, operations, appraisal.pk, to="deliberation:appraisal")
    raters: dict[str, list[Any]] = {}
    for rater in appraisal.raters.select_related("person").order_by("person__name"):
        raters.setdefault(rater.group, []).append(rater.person)
    poll = appraisal.poll
    voted = Elector.objects.filter(poll=poll, voted=True).count() if poll is not None else 0
    return render(
        request,
        "deliberation/appraisal.html",
        {
            "appraisal": appraisal,
            "organiser": organiser,
            "groups": [(g, raters.get(g["code"], [])) for g in appraisal.groups],
            "rows": appraisal_actions.appraisal_rows(appraisal),
            "voted": voted,
        },
    )


@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """A rater's phone form: their group's criteria for every appraised department, 0–100."""
    person = _person(request)
    appraisal = get_or_404(Appraisal.objects.select_related("unit", "poll"), pk=pk)
    poll = appraisal.poll
    if poll is None:
        raise Http404
    elector = Elector.objects.filter(poll=poll, person=person).first()
    if elector is None:
        raise PermissionDenied
    group = next(g for g in appraisal.groups if g["code"] == elector.group)
    options = list(poll.options.all())
    receipt = ""
    if request.method == "POST":
        sheets = {
            o.key: {
                c["code"]: request.POST.get(f"{o.key}-{c['code']}", "").strip() for c in group["criteria"]
            }
            for o in options
        }
        try:
            for sheet in sheets.values():
                for code, value in sheet.items():
                    try:
                        sheet[code] = Decimal(value)  # type: ignore[assignment]
                    except InvalidOperation:
                        raise ActionError(
                            "score_invalid", _("请为每一项填写0到100的分数"), {"field": code}
                        ) from None
            result = do_cast_ballot(poll, sheets, actor=organiser_actor(person, appraisal.unit))
        except ActionError as error:
            from django.contrib import messages

            messages.error(request, error.message)
            return redirect("deliberation:appraisal_score", appraisal.pk)
        receipt = result.receipt
    return render(
        request,
        "deliberation/score.html",
        {
            "appraisal": appraisal,
            "poll": poll,
            "group": group,
            "options": options,
            "voted": elector.voted or bool(receipt),
            "open": poll.state == PollState.OPEN,
            "receipt": receipt,
        },
    )


urlpatterns = [
    path("inquiries/", index, name="inquiries"),
    path("inquiries/<int:pk>/", session_detail, name="inquiry"),
    path("appraisals/<int:pk>/", appraisal_detail, name="appraisal"),
    path("appraisals/<int:pk>/score/", score, name="appraisal_score"),
]
