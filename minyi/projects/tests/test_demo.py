"""The demo projects: rounds through the deputies' vote, delivery, the fund, self-build; deterministic, once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from minyi.ballots.models import PollState
from minyi.core.demo.build import build_demo
from minyi.core.models import Attachment, Event, ProcessInstance
from minyi.projects.delivery.models import Delivery, Milestone, Payment, Problem
from minyi.projects.demo import SEATS, build_demo_projects
from minyi.projects.fund.models import Fund, FundItemStatus
from minyi.projects.models import DepartmentOpinion, Project, ProjectStatus, Round, RoundState
from minyi.projects.selfbuild.models import Need, Procurement
from minyi.surveys.models import Response, Survey
from minyi.voices.demo import build_demo_voices


def _fingerprint() -> list[object]:
    projects = list(
        Project.objects.order_by("pk").values_list("title", "status", "votes", "source", "unit__code")
    )
    payments = list(Payment.objects.order_by("pk").values_list("amount", "payee", "purpose"))
    needs = list(Need.objects.order_by("pk").values_list("round__title", "title", "votes", "chosen"))
    return [projects, payments, needs]


def test_demo_projects(db):
    build_demo(2026)
    build_demo_voices(2026, count=60)
    summary = build_demo_projects(2026)
    this_year, last_year = Round.objects.order_by("-year")
    assert this_year.year == last_year.year + 1
    assert {this_year.state, last_year.state} == {RoundState.PUBLISHED}
    # Recommended by residents, the station, a deputy and from a voice; some screened out with reasons.
    sources = set(Project.objects.filter(round=this_year).values_list("source", flat=True))
    assert {"resident", "station", "deputy", "voice"} <= sources
    assert Project.objects.filter(status=ProjectStatus.SCREENED_OUT).exclude(screening_reason="").count() == 2
    assert DepartmentOpinion.objects.filter(project__round=this_year).exists()
    # A competitive shortlist, the deputies' secret ballot, results published.
    candidates = Project.objects.filter(
        round=this_year, status__in=[ProjectStatus.ELECTED, ProjectStatus.NOT_ELECTED]
    )
    assert candidates.count() > this_year.seats == SEATS
    assert candidates.filter(status=ProjectStatus.ELECTED).count() == SEATS
    assert (
        this_year.poll is not None
        and this_year.poll.state == PollState.PUBLISHED
        and this_year.poll.is_secret
    )
    assert this_year.poll.electorate_size >= 7
    assert Event.objects.filter(action="ballots.ballot.cast", actor__username="deputy").exists()
    # Delivery: last year's projects are done, this year's under way with progress, payments with vouchers.
    assert summary.deliveries == Delivery.objects.filter(subject_type="projects.project").count() == 8
    elected = Project.objects.filter(round=this_year, status=ProjectStatus.ELECTED)
    under_way = Delivery.objects.with_progress().filter(subject_id__in=[str(p.pk) for p in elected])
    assert all(0 < d.progress < 100 for d in under_way)
    done = Delivery.objects.with_progress().filter(subject_type="projects.project", year=last_year.year)
    assert done.exists() and all(d.progress == 100 for d in done)
    assert Milestone.objects.filter(progress__gt=0, progress__lt=100).exists()
    payment = Payment.objects.select_related("document").first()
    assert payment is not None and payment.document.is_public
    assert Attachment.objects.filter(content_type="image/png").exists()
    problem = Problem.objects.get()
    assert problem.filed_by.username == "deputy" and problem.voice is not None
    # The special fund: verified, screened, decided within the total.
    fund = Fund.objects.get()
    assert fund.decided_at is not None
    statuses = set(fund.items.values_list("status", flat=True))
    assert statuses == {FundItemStatus.CHOSEN, FundItemStatus.NOT_CHOSEN}
    # Self-build: last year's kept by a caretaker with its effect survey answered; this year's being built.
    assert summary.selfbuild == {"maintaining": 1, "building": 1}
    assert (
        Procurement.objects.filter(kind="quote").exists()
        and Procurement.objects.filter(kind="contract").exists()
    )
    survey = Survey.objects.get(kind="effect")
    assert survey.state == "open" and Response.objects.filter(survey=survey).count() >= 5
    assert set(ProcessInstance.objects.filter(process="suggestion").values_list("state", flat=True)) == {
        "closed"
    }
    # Nothing the demo made is overdue: deadlines fall after today or the step was taken in time.
    late = ProcessInstance.objects.exclude(process="voice").filter(deadline_at__lt=timezone.now())
    assert not late.exists(), list(late.values_list("process", "state", "title"))
    # The record was written by the actions.
    for action in (
        "projects.round.publish",
        "projects.delivery.payment",
        "projects.fund.decide",
        "projects.selfbuild.decided",
    ):
        assert Event.objects.filter(action=action, public=True).exists(), action
    # A second run adds nothing.
    events = Event.objects.count()
    assert build_demo_projects(2026).rounds == 0
    assert Event.objects.count() == events and Round.objects.count() == 2


def test_demo_projects_are_deterministic_per_seed(db):
    build_demo(2026)
    build_demo_voices(2026, count=60)
    with transaction.atomic():
        build_demo_projects(2026)
        first = _fingerprint()
        transaction.set_rollback(True)
    assert not Round.objects.exists()
    build_demo_projects(2026)
    assert _fingerprint() == first
