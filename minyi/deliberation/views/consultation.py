"""D5 pages: consultation plans and items, the adviser pool, hearings. Public: published plans and hearings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from minyi.core.errors import ActionError
from minyi.core.masking import mask_name
from minyi.core.scope import scope_q
from minyi.deliberation.actions import consultation as actions
from minyi.deliberation.actions import hearings as hearing_actions
from minyi.deliberation.models import (
    Adviser,
    AdviserInvitation,
    AdviserKind,
    ConsultationChannel,
    ConsultationForm,
    ConsultationItem,
    ConsultationPlan,
    Hearing,
    HearingState,
    ItemStatus,
    Response,
    SpeakerState,
)
from minyi.deliberation.organisers import ORGANISER_ROLES, is_organiser, organiser_actor
from minyi.deliberation.views.common import get_or_404
from minyi.deliberation.views.ops import (
    moment,
    number,
    person_by_username,
    required_day,
    run_operation,
    scope_units,
    text,
    unit_in,
)


def _person(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user if request.user.is_authenticated else None


def index(request: HttpRequest) -> HttpResponse:
    """Published plans and hearings for everyone; organisers also see their drafts and create new ones."""
    person = _person(request)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied

        def unit(r: HttpRequest):  # type: ignore[no-untyped-def]
            chosen = unit_in(r, "unit")
            if not is_organiser(person, chosen):
                raise ActionError("unit_unknown", _("请选择您所在的单位"), {"field": "unit"})
            return chosen

        def create_plan(r: HttpRequest) -> object:
            u = unit(r)
            return actions.do_create_plan(
                u, year=number(r, "year"), title=text(r, "title"), actor=organiser_actor(person, u)
            )

        def create_hearing(r: HttpRequest) -> object:
            u = unit(r)
            return hearing_actions.do_create_hearing(
                u,
                hearing_actions.HearingInput(
                    title=text(r, "title"),
                    matter=text(r, "matter"),
                    held_at=moment(r, "held_at"),
                    apply_until=required_day(r, "apply_until"),
                    seats=number(r, "seats"),
                    place=text(r, "place"),
                ),
                actor=organiser_actor(person, u),
            )

        return run_operation(
            request, {"plan": create_plan, "hearing": create_hearing}, to="deliberation:consultation"
        )
    own = scope_q(person, ORGANISER_ROLES) if person is not None else Q(pk__in=[])
    plans = ConsultationPlan.objects.filter(Q(published_at__isnull=False) | own).select_related("unit")
    hearings = Hearing.objects.all()  # announced publicly from the start so people can apply to speak
    units = scope_units(person) if person is not None else []
    return render(
        request,
        "deliberation/consultation.html",
        {
            "plans": list(plans.order_by("-year", "pk")[:100]),
            "hearings": list(hearings.select_related("unit").order_by("-held_at")[:100]),
            "units": units,
        },
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    plan = get_or_404(ConsultationPlan.objects.select_related("unit"), pk=pk)
    organiser = is_organiser(person, plan.unit)
    if plan.published_at is None and not organiser:
        raise Http404
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        actor = organiser_actor(person, plan.unit)

        def item_of(r: HttpRequest) -> ConsultationItem:
            item = plan.items.filter(pk=int(v) if (v := text(r, "item")).isdigit() else 0).first()
            if item is None:
                raise ActionError("item_unknown", _("未找到该协商事项"), {})
            return item

        operations = {
            "item": lambda r: actions.do_add_item(
                plan,
                actions.ItemInput(
                    title=text(r, "title"),
                    channel=text(r, "channel"),
                    form=text(r, "form"),
                    organiser=unit_in(r, "organiser"),
                    starts_on=required_day(r, "starts_on"),
                    participants=text(r, "participants"),
                ),
                actor=actor,
            ),
            "publish": lambda r: actions.do_publish_plan(plan, actor=actor),
            "status": lambda r: actions.do_update_item_status(
                item_of(r), status=text(r, "status"), outcome=text(r, "outcome"), actor=actor
            ),
        }
        return run_operation(request, operations, plan.pk, to="deliberation:plan")
    return render(
        request,
        "deliberation/plan.html",
        {
            "plan": plan,
            "items": list(plan.items.select_related("organiser")),
            "organiser": organiser,
            "channels": ConsultationChannel.choices,
            "forms": ConsultationForm.choices,
            "statuses": ItemStatus.choices,
            "units": scope_units(person) if organiser else [],
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Advisers invited to an item and their opinions: organisers manage, invitees give their opinion."""
    person = _person(request)
    item = get_or_404(ConsultationItem.objects.select_related("plan__unit", "organiser"), pk=pk)
    organiser = is_organiser(person, item.plan.unit)
    invitations = list(item.invitations.select_related("adviser__person"))
    mine = [i for i in invitations if i.adviser.person_id == person.pk]
    if not organiser and not mine:
        raise PermissionDenied
    if request.method == "POST":
        actor = organiser_actor(person, item.plan.unit)

        def invitation_of(r: HttpRequest) -> AdviserInvitation:
            found = [i for i in invitations if str(i.pk) == text(r, "invitation")]
            if not found:
                raise ActionError("invitation_unknown", _("未找到该邀请"), {})
            return found[0]

        def invite(r: HttpRequest) -> object:
            if not organiser:
                raise PermissionDenied
            adviser = Adviser.objects.filter(
                pk=int(v) if (v := text(r, "adviser")).isdigit() else 0, is_active=True
            ).first()
            if adviser is None:
                raise ActionError("adviser_unknown", _("请选择专家"), {"field": "adviser"})
            return actions.do_invite_adviser(item, adviser, actor=actor)

        operations = {
            "invite": invite,
            "opinion": lambda r: actions.do_record_adviser_opinion(
                invitation_of(r), text(r, "opinion"), actor=actor
            ),
        }
        return run_operation(request, operations, item.pk, to="deliberation:item")
    pool = (
        Adviser.objects.filter(scope_q(person, ORGANISER_ROLES, field="pool_unit__path"), is_active=True)
        .exclude(invitations__item=item)
        .select_related("person")
        .order_by("kind", "field")[:200]
        if organiser
        else []
    )
    return render(
        request,
        "deliberation/item.html",
        {
            "item": item,
            "invitations": invitations if organiser else mine,
            "organiser": organiser,
            "pool": list(pool),
        },
    )


@login_required
def advisers(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    units = scope_units(person)
    if not units:
        raise PermissionDenied
    if request.method == "POST":

        def add(r: HttpRequest) -> object:
            unit = unit_in(r, "unit")
            return actions.do_add_adviser(
                unit,
                actions.AdviserInput(
                    person=person_by_username(text(r, "username")),
                    kind=text(r, "kind"),
                    field=text(r, "field"),
                    title=text(r, "title"),
                    organisation=text(r, "organisation"),
                ),
                actor=organiser_actor(person, unit),
            )

        return run_operation(request, {"add": add}, to="deliberation:advisers")
    pool = (
        Adviser.objects.filter(scope_q(person, ORGANISER_ROLES, field="pool_unit__path"))
        .select_related("person", "pool_unit")
        .order_by("kind", "field", "pk")
    )
    return render(
        request,
        "deliberation/advisers.html",
        {"advisers": list(pool[:500]), "units": units, "kinds": AdviserKind.choices},
    )


def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The public hearing page: the matter, registration, speakers, and (once published) the responses."""
    person = _person(request)
    hearing = get_or_404(Hearing.objects.select_related("unit"), pk=pk)
    organiser = is_organiser(person, hearing.unit)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        actor = organiser_actor(person, hearing.unit)

        def application_of(r: HttpRequest, name: str = "speaker"):  # type: ignore[no-untyped-def]
            found = hearing.applications.filter(pk=int(v) if (v := text(r, name)).isdigit() else 0).first()
            if found is None:
                raise ActionError("speaker_unknown", _("未找到该陈述人"), {"field": name})
            return found

        def respond(r: HttpRequest) -> object:
            opinion = hearing.opinions.filter(pk=int(v) if (v := text(r, "opinion")).isdigit() else 0).first()
            if opinion is None:
                raise ActionError("opinion_unknown", _("未找到该意见"), {})
            return hearing_actions.do_respond_to_opinion(
                opinion, response=text(r, "response"), reason=text(r, "reason"), actor=actor
            )

        operations = {
            "apply": lambda r: hearing_actions.do_apply_to_speak(hearing, text(r, "stance"), actor=actor),
            "select": lambda r: hearing_actions.do_select_speakers(
                hearing,
                list(
                    hearing.applications.filter(
                        pk__in=[int(v) for v in r.POST.getlist("selected") if v.isdigit()]
                    )
                ),
                actor=actor,
            ),
            "opinion": lambda r: hearing_actions.do_record_opinion(
                hearing, application_of(r), text(r, "text"), actor=actor
            ),
            "respond": respond,
            "publish": lambda r: hearing_actions.do_publish_hearing(
                hearing, decision=text(r, "decision"), actor=actor
            ),
        }
        return run_operation(request, operations, hearing.pk, to="deliberation:hearing")
    applications = list(hearing.applications.select_related("person"))
    published = hearing.state == HearingState.PUBLISHED
    opinions = list(hearing.opinions.select_related("speaker__person")) if (published or organiser) else []
    return render(
        request,
        "deliberation/hearing.html",
        {
            "hearing": hearing,
            "organiser": organiser,
            "applications": applications if organiser else [],
            "speakers": [
                (a, mask_name(a.person.name) if not organiser else a.person.name)
                for a in applications
                if a.state == SpeakerState.SELECTED
            ],
            "opinions": [
                (o, o.speaker.person.name if organiser else mask_name(o.speaker.person.name))
                for o in opinions
            ],
            "applied": person is not None and any(a.person_id == person.pk for a in applications),
            "responses": Response.choices,
            "can_apply": hearing.state == HearingState.REGISTRATION,
        },
    )


urlpatterns = [
    path("consultation/", index, name="consultation"),
    path("consultation/plans/<int:pk>/", plan_detail, name="plan"),
    path("consultation/items/<int:pk>/", item_detail, name="item"),
    path("consultation/advisers/", advisers, name="advisers"),
    path("hearings/<int:pk>/", hearing_detail, name="hearing"),
]
