"""The mobile response page behind a group's link or QR code: one question per card, plain HTML
form (htmx only re-renders the form in place), a per-browser cookie guarding open links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.surveys.actions import do_submit_response
from minyi.surveys.models import (
    Access,
    Invitation,
    Question,
    QuestionKind,
    RespondentGroup,
    Response,
    SurveyState,
)
from minyi.surveys.views.common import get_or_404

DEVICE_COOKIE = "minyi_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


@dataclass
class Choice:
    key: str
    label: str
    checked: bool


@dataclass
class MatrixRow:
    key: str
    label: str
    choices: list[Choice]


@dataclass
class Card:
    """One question as the page shows it, with what the respondent entered and its error."""

    question: Question
    number: int
    total: int
    section_title: str  # shown above the first question of a section
    choices: list[Choice] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    value: str = ""
    error: str = ""

    @property
    def percent(self) -> int:
        return round(self.number * 100 / self.total)


def read_answers(questions: list[Question], data: Any) -> dict[str, Any]:
    """The submitted form as the answers mapping `do_submit_response` validates."""
    answers: dict[str, Any] = {}
    for q in questions:
        name = f"q_{q.key}"
        if q.kind == QuestionKind.MULTIPLE:
            answers[q.key] = data.getlist(name)
        elif q.kind == QuestionKind.MATRIX:
            answers[q.key] = {row: data.get(f"{name}_{row}", "") for row, _label in q.rows}
        else:
            answers[q.key] = data.get(name, "")
    return answers


def build_cards(questions: list[Question], answers: dict[str, Any], errors: dict[str, str]) -> list[Card]:
    cards, seen_section = [], None
    for number, q in enumerate(questions, start=1):
        value = answers.get(q.key)
        selected = set(value) if isinstance(value, list) else {value} if isinstance(value, str) else set()
        section_title = ""
        if q.section_id != seen_section:
            seen_section = q.section_id
            section_title = q.section.title if q.section else ""
        card = Card(
            question=q,
            number=number,
            total=len(questions),
            section_title=section_title,
            error=errors.get(q.key, ""),
        )
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            card.choices = [Choice(k, label, k in selected) for k, label in q.options]
        elif q.is_rating and q.kind == QuestionKind.RATING5:
            card.choices = [Choice(str(v), str(v), str(v) == value) for v in q.scale_values()]
        elif q.kind == QuestionKind.MATRIX:
            picked = value if isinstance(value, dict) else {}
            card.rows = [
                MatrixRow(row, row_label, [Choice(k, label, picked.get(row) == k) for k, label in q.options])
                for row, row_label in q.rows
            ]
        else:
            card.value = value if isinstance(value, str) else ""
        cards.append(card)
    return cards


def _already(group: RespondentGroup, request: HttpRequest) -> bool:
    """Whether this person (invited or named) already answered; open links are checked on submit."""
    user = request.user
    if not user.is_authenticated:
        return False
    if group.access == Access.INVITED:
        return Invitation.objects.filter(group=group, person=user, responded=True).exists()
    if not group.survey.is_anonymous:
        return Response.objects.filter(survey=group.survey, respondent=user).exists()
    return False


def respond(request: HttpRequest, token: str) -> HttpResponse:
    group = get_or_404(RespondentGroup.objects.select_related("survey__unit"), token=token)
    survey = group.survey
    if survey.state == SurveyState.DRAFT:
        return render(request, "surveys/respond_closed.html", {"survey": survey, "group": group}, status=404)
    questions = list(Question.objects.filter(survey=survey).select_related("section"))
    needs_login = group.access == Access.INVITED or not survey.is_anonymous
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    error = ""
    status = 200
    if request.method == "POST":
        answers = read_answers(questions, request.POST)
        person = request.user if request.user.is_authenticated else None
        try:
            do_submit_response(
                group,
                answers,
                actor=Actor(person=person, role="respondent"),  # type: ignore[arg-type]
                device_key=request.COOKIES.get(DEVICE_COOKIE, ""),
            )
        except ActionError as exc:
            error = exc.message
            errors = exc.details.get("errors", {})
            status = exc.status
        else:
            return redirect("surveys:thanks", token=token)
    context = {
        "survey": survey,
        "group": group,
        "cards": build_cards(questions, answers, errors),
        "error": error,
        "needs_login": needs_login and not request.user.is_authenticated,
        "already": _already(group, request),
        "login_url": f"{reverse('core:login')}?next={request.path}",
    }
    response = render(request, "surveys/respond.html", context, status=status)
    if group.access == Access.OPEN and DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(18), max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax"
        )
    return response


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    group = get_or_404(RespondentGroup.objects.select_related("survey"), token=token)
    return render(
        request,
        "surveys/thanks.html",
        {"survey": group.survey, "group": group, "message": _("感谢您的参与！")},
    )


urlpatterns = [
    path("r/<str:token>/", respond, name="respond"),
    path("r/<str:token>/thanks/", thanks, name="thanks"),
]
