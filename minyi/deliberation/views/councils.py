"""D1/D2 management pages: councils, terms, recommendations, members, duties (staff of the community)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Unit
from minyi.core.scope import scope_q
from minyi.deliberation.actions import council_admin, councils, duties
from minyi.deliberation.actions.topics import instances_for
from minyi.deliberation.duty_report import duty_summary
from minyi.deliberation.models import (
    Assignment,
    ContactKind,
    Council,
    CouncilKind,
    LiaisonContact,
    Membership,
    MemberType,
    RecommendationMethod,
    Supervision,
    Topic,
)
from minyi.deliberation.predicates import MANAGER_ROLES, is_council_manager
from minyi.deliberation.views.common import get_or_404, member_actor, staff_actor
from minyi.deliberation.views.ops import day, number, person_by_username, required_day, run_operation, text


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    units = Unit.objects.filter(
        scope_q(person, MANAGER_ROLES, field="path"), kind__in=councils.COUNCIL_UNIT_KINDS
    )
    if request.method == "POST":

        def create(r: HttpRequest) -> object:
            unit = units.filter(pk=int(v) if (v := text(r, "unit")).isdigit() else 0).first()
            if unit is None:
                raise ActionError("unit_unknown", _("请选择社区或议事会单位"), {"field": "unit"})
            return councils.do_create_council(
                councils.CouncilInput(unit=unit, name=text(r, "name"), kind=text(r, "kind")),
                actor=staff_actor(person, Council(unit=unit)),
            )

        return run_operation(request, {"create": create}, to="deliberation:councils")
    managed = list(
        Council.objects.filter(scope_q(person, MANAGER_ROLES))
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    return render(
        request,
        "deliberation/councils.html",
        {"councils": managed, "units": list(units.order_by("path")[:300]), "kinds": CouncilKind.choices},
    )


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@login_required
def council_manage(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    council = get_or_404(Council.objects.select_related("unit"), pk=pk)
    if not is_council_manager(person, council):
        raise PermissionDenied
    actor = staff_actor(person, council)
    if request.method == "POST":

        def term_of(r: HttpRequest):  # type: ignore[no-untyped-def]
            term = council.terms.filter(pk=int(v) if (v := text(r, "term")).isdigit() else 0).first()
            if term is None:
                raise ActionError("term_unknown", _("请选择届期"), {"field": "term"})
            return term

        def membership_of(r: HttpRequest) -> Membership:
            m = council.memberships.filter(pk=int(v) if (v := text(r, "membership")).isdigit() else 0).first()
            if m is None:
                raise ActionError("member_unknown", _("未找到该代表"), {"field": "membership"})
            return m

        def add_member(r: HttpRequest) -> object:
            rec_id = text(r, "recommendation")
            rec = council.recommendations.filter(pk=int(rec_id)).first() if rec_id.isdigit() else None
            votes = text(r, "votes").strip()
            return councils.do_add_member(
                council,
                person_by_username(text(r, "username")),
                member_type=text(r, "member_type"),
                term=term_of(r),
                recommendation=rec,
                votes=int(votes) if votes.isdigit() else None,
                joined_on=day(r, "joined_on", required=False),
                actor=actor,
            )

        def assign(r: HttpRequest) -> object:
            topic = Topic.objects.filter(
                pk=int(v) if (v := text(r, "topic")).isdigit() else 0, council=council
            ).first()
            if topic is None:
                raise ActionError("topic_unknown", _("未找到该议题"), {"field": "topic"})
            return duties.do_assign_task(topic, membership_of(r), text(r, "task"), actor=actor)

        operations = {
            "council": lambda r: council_admin.do_update_council(
                council,
                name=text(r, "name"),
                kind=text(r, "kind"),
                governance_vote=r.POST.get("governance_vote") == "1",
                assembly_vote=r.POST.get("assembly_vote") == "1",
                is_active=r.POST.get("is_active") == "1",
                actor=actor,
            ),
            "term": lambda r: councils.do_add_term(
                council,
                number=number(r, "number"),
                starts_on=required_day(r, "starts_on"),
                ends_on=required_day(r, "ends_on"),
                actor=actor,
            ),
            "term_edit": lambda r: council_admin.do_update_term(
                term_of(r),
                starts_on=required_day(r, "starts_on"),
                ends_on=required_day(r, "ends_on"),
                actor=actor,
            ),
            "recommendation": lambda r: councils.do_record_recommendation(
                council,
                councils.RecommendationInput(
                    term=term_of(r),
                    held_on=required_day(r, "held_on"),
                    method=text(r, "method"),
                    voters=number(r, "voters"),
                    note=text(r, "note"),
                ),
                actor=actor,
            ),
            "member": add_member,
            "member_type": lambda r: council_admin.do_update_member(
                membership_of(r), member_type=text(r, "member_type"), actor=actor
            ),
            "end": lambda r: councils.do_end_membership(
                membership_of(r),
                left_on=day(r, "left_on", required=False) or timezone.localdate(),
                reason=text(r, "reason"),
                actor=actor,
            ),
            "assign": assign,
        }
        return run_operation(request, operations, council.pk, to="deliberation:council_manage")
    year = _year(request)
    topics = list(Topic.objects.filter(council=council).order_by("-proposed_at")[:200])
    states = instances_for(topics)
    return render(
        request,
        "deliberation/council_manage.html",
        {
            "council": council,
            "kinds": CouncilKind.choices,
            "member_types": MemberType.choices,
            "methods": RecommendationMethod.choices,
            "terms": list(council.terms.all()),
            "recommendations": list(council.recommendations.select_related("term").order_by("-held_on")),
            "members": list(
                council.memberships.select_related("person", "term", "recommendation").order_by(
                    "-is_active", "person__name"
                )
            ),
            "carrying_out": [t for t in topics if t.pk in states and states[t.pk].state == "publicising"],
            "duties": duty_summary(council, year),
            "year": year,
            "today": timezone.localdate(),
        },
    )


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    """A member's own duties on the phone: log contacts, finish assigned tasks, report supervised topics."""
    person = current_person(request)
    memberships = list(
        Membership.objects.filter(person=person, is_active=True)
        .select_related("council__unit")
        .order_by("council__name")
    )
    if request.method == "POST":
        actor = member_actor(person)

        def membership_of(r: HttpRequest) -> Membership:
            found = [m for m in memberships if str(m.pk) == text(r, "membership")]
            if not found:
                raise ActionError("member_unknown", _("请选择议事会"), {"field": "membership"})
            return found[0]

        def complete(r: HttpRequest) -> object:
            a = Assignment.objects.filter(pk=int(v) if (v := text(r, "assignment")).isdigit() else 0).first()
            if a is None:
                raise ActionError("assignment_unknown", _("未找到该任务"), {})
            return duties.do_complete_assignment(a, note=text(r, "note"), actor=actor)

        def report(r: HttpRequest) -> object:
            topic = Topic.objects.filter(pk=int(v) if (v := text(r, "topic")).isdigit() else 0).first()
            if topic is None:
                raise ActionError("topic_unknown", _("未找到该议题"), {"field": "topic"})
            return duties.do_report_supervision(topic, text(r, "text"), actor=actor)

        operations = {
            "contact": lambda r: duties.do_log_contact(
                membership_of(r),
                contacted_on=required_day(r, "contacted_on"),
                kind=text(r, "kind"),
                whom=text(r, "whom"),
                summary=text(r, "summary"),
                actor=actor,
            ),
            "complete": complete,
            "report": report,
        }
        return run_operation(request, operations, to="deliberation:my_duties")
    supervised = [
        s.topic
        for s in Supervision.objects.filter(person=person)
        .select_related("topic")
        .order_by("-created_at")[:50]
    ]
    return render(
        request,
        "deliberation/my_duties.html",
        {
            "memberships": memberships,
            "kinds": ContactKind.choices,
            "contacts": list(
                LiaisonContact.objects.filter(membership__person=person).select_related(
                    "membership__council"
                )[:20]
            ),
            "tasks": list(
                Assignment.objects.filter(membership__person=person)
                .filter(Q(done_at__isnull=True) | Q(done_at__gte=timezone.now() - dt.timedelta(days=30)))
                .select_related("topic")
            ),
            "supervised": supervised,
            "today": timezone.localdate(),
        },
    )


urlpatterns = [
    path("councils/", council_list, name="councils"),
    path("councils/<int:pk>/manage/", council_manage, name="council_manage"),
    path("me/duties/", my_duties, name="my_duties"),
]
