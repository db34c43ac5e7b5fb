"""P3: milestones and derived progress, payments with documents, photos, problems as voices, findings,
overdue milestones reminded and escalated by the process sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from minyi.core.engine.sweep import sweep
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Attachment, Event, Notification, ProcessInstance
from minyi.projects.delivery.actions import (
    PaymentInput,
    do_add_photo,
    do_answer_finding,
    do_complete_milestone,
    do_file_problem,
    do_raise_finding,
    do_record_payment,
    do_report_progress,
    milestone_instance,
)
from minyi.projects.delivery.models import Delivery, Finding, Payment, Problem
from minyi.projects.tests.delivery_support import (  # noqa: F401
    TODAY,
    actor,
    delivery_fixture,
    pdf,
    people_fixture,
    png,
    voices_setup_fixture,
)
from minyi.voices.models import Voice


def test_progress_is_the_weighted_mean_of_milestones(delivery: Delivery, people: dict[str, Any]) -> None:
    design, build = list(delivery.milestones.all())
    assert delivery.progress == 0
    do_report_progress(design, 50, actor=actor(people["township"]))
    do_report_progress(build, 20, note="基础完成", actor=actor(people["township"]))
    # (1×50 + 3×20) / 4 = 27.5 → 28
    assert Delivery.objects.get(pk=delivery.pk).progress == 28
    assert Delivery.objects.with_progress().get(pk=delivery.pk).progress == 28
    do_complete_milestone(design, actual_end=timezone.localdate(), actor=actor(people["township"]))
    assert Delivery.objects.with_progress().get(pk=delivery.pk).progress == 40  # (100 + 60) / 4
    assert Event.objects.filter(action="project_milestone.complete").count() == 1


def test_progress_refuses_bad_values_and_wrong_people(delivery: Delivery, people: dict[str, Any]) -> None:
    design = delivery.milestones.first()
    assert design is not None
    with pytest.raises(ActionError) as error:
        do_report_progress(design, 100, actor=actor(people["township"]))
    assert error.value.code == "progress_invalid"
    with pytest.raises(NotPermitted):
        do_report_progress(design, 10, actor=actor(people["outsider"]))
    with pytest.raises(NotPermitted):
        do_report_progress(design, 10, actor=actor(people["finance"]))
    design.refresh_from_db()
    assert design.progress == 0


def test_milestone_deadline_is_its_planned_end_and_overdue_escalates(
    delivery: Delivery, people: dict[str, Any]
) -> None:
    design = delivery.milestones.first()
    assert design is not None
    instance = milestone_instance(design)
    assert instance.state == "underway"
    assert timezone.localtime(instance.deadline_at).date() == design.planned_end + dt.timedelta(days=1)
    later = instance.deadline_at + dt.timedelta(days=10)
    sweep(now=later)
    instance.refresh_from_db()
    assert Event.objects.filter(action="project_milestone.overdue.remind").exists()
    assert Event.objects.filter(action="project_milestone.overdue.escalate").exists()
    assert "district_staff" in instance.awaiting_roles
    assert Notification.objects.filter(recipient=people["township"]).exists()


def test_payment_needs_a_document_and_fits_the_budget(delivery: Delivery, people: dict[str, Any]) -> None:
    staff = actor(people["township"])
    data = PaymentInput(amount="50000", paid_on=TODAY, payee="某照明工程公司", purpose="预付款")
    events = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_record_payment(delivery, data, document=None, actor=staff)
    assert error.value.code == "document_required"
    assert (
        Payment.objects.count() == 0 and Attachment.objects.count() == 0 and Event.objects.count() == events
    )
    payment = do_record_payment(delivery, data, document=pdf(), actor=staff)
    assert payment.document.is_public
    assert Event.objects.filter(action="projects.delivery.payment").count() == 1
    with pytest.raises(ActionError) as error:
        do_record_payment(
            delivery, PaymentInput("150000.01", TODAY, "某公司", "尾款"), document=pdf(), actor=staff
        )
    assert error.value.code == "over_budget"
    with pytest.raises(ActionError) as error:
        do_record_payment(delivery, PaymentInput("abc", TODAY, "某公司", "尾款"), document=pdf(), actor=staff)
    assert error.value.code == "amount_invalid"
    assert Payment.objects.count() == 1 and Attachment.objects.count() == 1


def test_photos_must_be_images(delivery: Delivery, people: dict[str, Any]) -> None:
    photo = do_add_photo(delivery, png(), actor=actor(people["township"]))
    assert photo.is_public and photo.subject_type == "projects.delivery"
    with pytest.raises(ActionError):
        do_add_photo(delivery, pdf(), actor=actor(people["township"]))
    assert Attachment.objects.count() == 1


def test_problem_becomes_a_voice_at_the_township(
    delivery: Delivery, people: dict[str, Any], voices_setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the intake follow-up tells the township
        problem = do_file_problem(delivery, "施工围挡占用人行道，老人通行困难", actor=actor(people["rep"]))
    voice = problem.voice
    assert voice.unit == delivery.unit and voice.submitter == people["rep"]
    assert "老旧小区路灯改造" in voice.content
    instance = ProcessInstance.objects.get(process="voice", subject_id=str(voice.pk))
    assert instance.state == "registered"
    assert Event.objects.filter(action="projects.delivery.problem").count() == 1
    assert Notification.objects.filter(recipient=people["township"], kind="voices.new").exists()
    # A deputy may file too; a plain resident or an official may not; empty text is refused.
    do_file_problem(delivery, "路灯亮度不够", actor=actor(people["deputy"]))
    with pytest.raises(NotPermitted):
        do_file_problem(delivery, "问题", actor=actor(people["resident"]))
    with pytest.raises(ActionError) as error:
        do_file_problem(delivery, "   ", actor=actor(people["deputy"]))
    assert error.value.code == "text_required"
    assert Problem.objects.count() == 2 and Voice.objects.count() == 2


def test_findings_are_raised_by_oversight_and_answered(delivery: Delivery, people: dict[str, Any]) -> None:
    for role in ("finance", "auditor", "supervisor"):
        do_raise_finding(
            delivery, unit=delivery.unit, text=f"{role}：凭证日期不符", actor=actor(people[role])
        )
    with pytest.raises(NotPermitted):
        do_raise_finding(delivery, unit=delivery.unit, text="x", actor=actor(people["deputy"]))
    finding = Finding.objects.filter(role="finance").get()
    with pytest.raises(NotPermitted):
        do_answer_finding(finding, "已更正", actor=actor(people["finance"]))
    do_answer_finding(finding, "已更正凭证", actor=actor(people["township"]))
    finding.refresh_from_db()
    assert finding.answered_by == people["township"]
    with pytest.raises(ActionError):
        do_answer_finding(finding, "再次", actor=actor(people["township"]))
    assert Event.objects.filter(action="projects.finding.answer").count() == 1
    assert Decimal(delivery.budget) == Decimal("200000")
