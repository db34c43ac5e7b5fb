"""Pages: intake (see minyi/voices/urls.py) — submit, submitted, track, my voices, staff registration,
and the htmx fragments of the form (unit search and picking, likely duplicates)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from minyi.core.actions.channels import active_channels
from minyi.core.actors import Actor
from minyi.core.engine.labels import describe
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.login import client_address
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.models.units import subtree_q
from minyi.core.scope import has_role, scope_roots, units_in_scope
from minyi.voices.actions.intake import (
    CHANNELS_BY_ROLE,
    INTAKE_UNIT_KINDS,
    PROCESS,
    REGISTER_ROLES,
    STAFF_CHANNELS,
    IntakeResult,
    do_register_voice,
    do_submit_voice,
    register_actor,
)
from minyi.voices.actions.tracking import (
    TrackingThrottled,
    find_tracked_voice,
    normalise_tracking_code,
    tracked_view,
)
from minyi.voices.models import Voice
from minyi.voices.views.intake_forms import RegisterForm, TrackForm, VoiceForm

SESSION_CODES = "voices_verification_codes"
UNIT_RESULTS = 15
MINE_PAGE_SIZE = 30
MIN_DUPLICATE_TEXT = 6


# --- hooks ----------------------------------------------------------------------------------------


def likely_duplicates(unit: Unit | None, text: str) -> list[Any]:
    """Open items like this one in the same unit, shown before submitting (V7).

    Hook for v_search's `minyi.voices.similarity.similar_open_voices(unit, text)`; until that module
    is on the branch this returns [] and the form simply shows no suggestions.
    """
    if unit is None or len(text.strip()) < MIN_DUPLICATE_TEXT:
        return []
    try:
        from minyi.voices.similarity import similar_open_voices  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(similar_open_voices(unit, text))


# --- helpers --------------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Person | None:
    user = request.user
    return user if isinstance(user, Person) and user.is_authenticated else None


def _unit_label(unit: Unit, parents: dict[str, Unit]) -> str:
    parent = parents.get(unit.path[: -Unit.steplen])
    return f"{unit.name}（{parent.name}）" if parent else unit.name


def _with_parents(units: list[Unit]) -> list[tuple[Unit, str]]:
    """Each unit with a label naming its parent, loading all parents in one query."""
    paths = {u.path[: -Unit.steplen] for u in units if len(u.path) > Unit.steplen}
    parents = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    return [(u, _unit_label(u, parents)) for u in units]


def _selected_unit(form: VoiceForm) -> tuple[Unit, str] | None:
    raw = form.data.get("unit") if form.is_bound else form.initial.get("unit")
    if not raw or not str(raw).isdigit():
        return None
    unit = Unit.objects.filter(pk=int(raw), kind__in=INTAKE_UNIT_KINDS, is_active=True).first()
    return _with_parents([unit])[0] if unit else None


def _apply_error(form: VoiceForm, error: ActionError, photo_errors: list[str]) -> None:
    field = error.details.get("field")
    if field == "photos":
        photo_errors.append(error.message)
    elif field in form.fields and field != "idempotency_key":
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


def _remember_code(request: HttpRequest, result: IntakeResult) -> None:
    if result.verification_code:
        codes = dict(request.session.get(SESSION_CODES, {}))
        codes[result.voice.tracking_code] = result.verification_code
        request.session[SESSION_CODES] = codes


def _channel_code(request: HttpRequest) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "mobile" if "Mobile" in agent or "Android" in agent else "web"


def _form_page(
    request: HttpRequest, template: str, form: VoiceForm, photo_errors: list[str], extra: dict[str, Any]
) -> HttpResponse:
    context = {"form": form, "photo_errors": photo_errors, "selected_unit": _selected_unit(form), **extra}
    return render(request, template, context, status=400 if (form.errors or photo_errors) else 200)


# --- resident pages -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """A resident's submission, with or without an account (mobile first)."""
    person = _person(request)
    form = VoiceForm(request.POST or None)
    photo_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        actor = Actor(person=person, role="resident")
        try:
            result = do_submit_voice(
                form.voice_input(),
                actor=actor,
                photos=request.FILES.getlist("photos"),
                channel_code=_channel_code(request),
            )
        except ActionError as error:
            _apply_error(form, error, photo_errors)
        else:
            _remember_code(request, result)
            return redirect("voices:submitted", tracking_code=result.voice.tracking_code)
    return _form_page(request, "voices/intake/submit.html", form, photo_errors, {"nav": "voices_submit"})


@require_GET
def submitted(request: HttpRequest, tracking_code: str) -> HttpResponse:
    """The tracking number and — once — the verification code, with what to do next."""
    voice = Voice.objects.select_related("unit", "category").filter(tracking_code=tracking_code).first()
    codes = dict(request.session.get(SESSION_CODES, {}))
    code = codes.pop(tracking_code, "")
    person = _person(request)
    own = (
        voice is not None and person is not None and person.pk in {voice.submitter_id, voice.registered_by_id}
    )
    if voice is None or not (code or own):
        raise Http404
    if code:
        request.session[SESSION_CODES] = codes  # shown once: a reload no longer shows it
    return render(
        request,
        "voices/intake/submitted.html",
        {"voice": voice, "code": code, "registered": voice.registered_by_id is not None},
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Anyone follows an item with its tracking number and verification code; submitters with an
    account open their own items from "my voices" without a code."""
    person = _person(request)
    form = TrackForm(request.POST or None)
    view = None
    status = 200
    own_code = normalise_tracking_code(request.GET.get("tracking_code", ""))
    if request.method == "GET" and own_code and person is not None:
        voice = Voice.objects.filter(tracking_code=own_code, submitter=person).first()
        if voice is not None:
            view = tracked_view(voice)
    if request.method == "POST" and form.is_valid():
        try:
            voice = find_tracked_voice(
                form.cleaned_data["tracking_code"],
                form.cleaned_data["verification_code"],
                address=client_address(request),
            )
        except ActionError as error:
            form.add_error(None, error.message)
            status = 429 if isinstance(error, TrackingThrottled) else 400
        else:
            view = tracked_view(voice)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "voices/intake/track.html",
        {"form": form, "tracked": view, "nav": "voices_track"},
        status=status,
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The logged-in submitter's own items (two queries per page, whatever its length)."""
    person = current_person(request)
    voices = (
        Voice.objects.filter(submitter=person)
        .select_related("category", "unit")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(voices, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    instances = {
        i.subject_id: i
        for i in ProcessInstance.objects.filter(
            process=PROCESS, subject_type="voices.voice", subject_id__in=[str(v.pk) for v in rows]
        )
    }
    items = [(v, describe(instances[str(v.pk)]).state if str(v.pk) in instances else "") for v in rows]
    return render(request, "voices/intake/mine.html", {"page": page, "items": items, "nav": "voices_mine"})


# --- staff registration ---------------------------------------------------------------------------


def _staff_channels(person: Person) -> list[Any]:
    allowed: set[str] = set()
    for role in REGISTER_ROLES:
        if has_role(person, role):
            allowed |= CHANNELS_BY_ROLE.get(role, frozenset(STAFF_CHANNELS))
    return [c for c in active_channels() if c.code in allowed]


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Staff register what came by hotline, mailbox, letter, visit, reception day or courier visit."""
    person = current_person(request)
    if not has_role(person, REGISTER_ROLES):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, channels=_staff_channels(person))
    photo_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        unit = Unit.objects.filter(pk=form.cleaned_data["unit"]).first()
        try:
            result = do_register_voice(
                form.voice_input(),
                actor=register_actor(person, unit),
                channel_code=form.cleaned_data["channel"],
                photos=request.FILES.getlist("photos"),
            )
        except ActionError as error:
            _apply_error(form, error, photo_errors)
        else:
            _remember_code(request, result)
            return redirect("voices:submitted", tracking_code=result.voice.tracking_code)
    return _form_page(request, "voices/intake/register.html", form, photo_errors, {"nav": "voices_register"})


# --- htmx fragments -------------------------------------------------------------------------------


ATTACHED_KINDS = ("department", "station", "council", "service_point")


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """Units to pick from: matches of a typed name or code, or the children of a unit (tree browsing).

    `?for=register` limits the choice to the caller's registration scope.
    """
    query = request.GET.get("q", "").strip()[:40]
    parent_id = request.GET.get("parent", "")
    person = _person(request)
    register_mode = request.GET.get("for") == "register" and person is not None
    units = Unit.objects.filter(is_active=True).exclude(kind__in=ATTACHED_KINDS)
    if register_mode:
        units = units.filter(units_in_scope(person, REGISTER_ROLES))
    parent = None
    if query:
        units = units.filter(kind__in=INTAKE_UNIT_KINDS).filter(
            Q(name__contains=query) | Q(code__startswith=query)
        )
        units = units.order_by("depth", "path")
    elif parent_id.isdigit():
        parent = Unit.objects.filter(pk=int(parent_id)).first()
        units = units.filter(subtree_q(parent.path), depth=parent.depth + 1) if parent else units.none()
        units = units.order_by("path")
    elif register_mode:
        units = units.filter(path__in=scope_roots(person, REGISTER_ROLES)).order_by("path")
    else:
        top = 2 if Unit.objects.filter(depth=2).exists() else 1
        units = units.filter(depth=top).order_by("path")
    context = {
        "options": _with_parents(list(units[:UNIT_RESULTS])),
        "query": query,
        "parent": parent,
        "pickable": {k.value for k in INTAKE_UNIT_KINDS},
        "purpose": "register" if register_mode else "",
    }
    return render(request, "voices/intake/unit_options.html", context)


@require_GET
def unit_pick(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("unit", "")
    unit = (
        Unit.objects.filter(pk=int(raw), kind__in=INTAKE_UNIT_KINDS, is_active=True).first()
        if raw.isdigit()
        else None
    )
    if unit is None:
        raise Http404
    return render(request, "voices/intake/unit_picked.html", {"selected_unit": _with_parents([unit])[0]})


@require_http_methods(["POST"])
def duplicates(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("unit", "")
    unit = Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    text = (request.POST.get("title", "") + " " + request.POST.get("content", ""))[:4000]
    return render(request, "voices/intake/duplicates.html", {"items": likely_duplicates(unit, text)})


urlpatterns: list[URLPattern] = [
    path("submit", submit, name="submit"),
    path("submitted/<str:tracking_code>", submitted, name="submitted"),
    path("track", track, name="track"),
    path("mine", mine, name="mine"),
    path("register", register, name="register"),
    path("intake/units", unit_options, name="unit_options"),
    path("intake/unit", unit_pick, name="unit_pick"),
    path("intake/duplicates", duplicates, name="submit_duplicates"),
]
