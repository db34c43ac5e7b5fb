"""V6 — couriers (民情专递员): appoint, end, appraise, pay subsidies, log visits and diaries.

Wuhou's rule (seed 002): couriers are recruited yearly by subdistrict and community party
organisations, appraised yearly and paid a subsidy; the subdistrict's staff and the community's two
committees may not serve, so that couriers bring in voices the offices would not hear themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actions.files import do_store_attachment
from minyi.core.actions.roles import do_grant_role, do_revoke_role
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.models.units import UnitKind
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.core.roles import STAFF_ROLE_CODES, role_label
from minyi.voices.actions.intake import VoiceInput, do_record_voice
from minyi.voices.models import (
    AppointmentStatus,
    AppraisalGrade,
    Category,
    CourierAppointment,
    CourierAppraisal,
    CourierVisit,
    SubsidyPayment,
    SubsidyPeriod,
    VisitKind,
    Voice,
)

COURIER_ROLE = "courier"
MAX_SUBSIDY = Decimal("100000")
MAX_VOICES_PER_VISIT = 10
MAX_PHOTOS_PER_VISIT = 9
PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


def _township_of(community: Unit) -> Unit | None:
    return community.ancestors_and_self().filter(kind=UnitKind.TOWNSHIP).order_by("-depth").first()


def barring_grant(person: Person, community: Unit) -> RoleGrant | None:
    """A staff grant that bars `person` from being courier of `community`, or None.

    Barred: any office held on the community or inside it (two committees, its station), on its
    subdistrict (township) or on a body attached to the subdistrict, and any office above that
    reaches the community (district or city staff hold their role on it too). An office in another
    community of the same subdistrict does not bar.
    """
    township = _township_of(community) or community
    grants = (
        RoleGrant.objects.active().filter(person=person, role__in=STAFF_ROLE_CODES).select_related("unit")
    )
    for grant in grants.order_by("pk"):
        path = grant.unit.path
        if community.path.startswith(path) or path.startswith(community.path):
            return grant  # on the community, inside it, or on an ancestor reaching it
        inside_township = path.startswith(township.path)
        # Anything in the subdistrict not inside a (necessarily other) community is the subdistrict's own.
        in_a_community = Unit.objects.filter(
            kind=UnitKind.COMMUNITY, path__in=grant.unit.ancestor_paths()
        ).exists()
        if inside_township and not in_a_community:
            return grant  # the subdistrict's own staff and bodies
    return None


@dataclass(frozen=True)
class AppointmentInput:
    person: Person
    community: Unit
    year: int
    subsidy_amount: Decimal
    subsidy_period: str = SubsidyPeriod.MONTH


def check_appoint_courier(data: AppointmentInput) -> None:
    if data.community.kind != UnitKind.COMMUNITY:
        raise ActionError("community_required", _("民情专递员只能聘任到社区（村）"), {"field": "community"})
    if not data.person.is_active:
        raise ActionError("person_inactive", _("该人员账号已停用"), {"field": "person"})
    this_year = timezone.localdate().year
    if not this_year - 1 <= data.year <= this_year + 1:
        raise ActionError("year_invalid", _("聘任年度应为今年、去年或明年"), {"field": "year"})
    if data.subsidy_period not in SubsidyPeriod.values:
        raise ActionError("subsidy_period_invalid", _("补贴周期应为每月或每年"), {"field": "subsidy_period"})
    if not isinstance(data.subsidy_amount, Decimal) or not data.subsidy_amount.is_finite():
        raise ActionError("subsidy_invalid", _("补贴金额应为数字"), {"field": "subsidy_amount"})
    if data.subsidy_amount < 0 or data.subsidy_amount > MAX_SUBSIDY:
        raise ActionError("subsidy_invalid", _("补贴金额应在0至100000元之间"), {"field": "subsidy_amount"})
    if data.subsidy_amount != data.subsidy_amount.quantize(Decimal("0.01")):
        raise ActionError("subsidy_invalid", _("补贴金额最多精确到分"), {"field": "subsidy_amount"})
    grant = barring_grant(data.person, data.community)
    if grant is not None:
        raise ActionError(
            "courier_staff_barred",
            _("%(name)s 在%(unit)s担任“%(role)s”，街道工作人员和社区（村）“两委”成员不能担任民情专递员")
            % {"name": data.person.name, "unit": grant.unit.name, "role": role_label(grant.role)},
            {"field": "person", "grant": grant.pk},
        )
    if CourierAppointment.objects.filter(
        person=data.person, community=data.community, year=data.year
    ).exists():
        raise ActionError(
            "courier_already_appointed",
            _("%(name)s 已是%(unit)s %(year)d年度的民情专递员")
            % {"name": data.person.name, "unit": data.community.name, "year": data.year},
            {"field": "person"},
        )


@transaction.atomic
def do_appoint_courier(data: AppointmentInput, *, actor: Actor) -> CourierAppointment:
    """一年一聘: appoint, and grant the `courier` role on the community (kept while any appointment is active)."""
    check_appoint_courier(data)
    grant = (
        RoleGrant.objects.active().filter(person=data.person, role=COURIER_ROLE, unit=data.community).first()
    )
    if grant is None:
        grant = do_grant_role(
            data.person,
            COURIER_ROLE,
            data.community,
            actor=actor,
            note=_("%(year)d年度民情专递员") % {"year": data.year},
        )
    appointment = CourierAppointment.objects.create(
        person=data.person,
        community=data.community,
        year=data.year,
        subsidy_amount=data.subsidy_amount,
        subsidy_period=data.subsidy_period,
        appointed_by=actor.person,
        appointed_at=timezone.now(),
        role_grant=grant,
    )
    record_event(
        actor=actor,
        action="voices.courier.appoint",
        subject=appointment,
        unit=data.community,
        public=True,
        data={
            "person": data.person.pk,
            "year": data.year,
            "subsidy_amount": str(data.subsidy_amount),
            "subsidy_period": data.subsidy_period,
            "grant": grant.pk,
        },
    )
    notify(
        [data.person],
        kind="voices.courier.appointed",
        title=_("您已被聘为%(unit)s %(year)d年度民情专递员")
        % {"unit": data.community.name, "year": data.year},
        url=reverse("voices:courier_visit"),
    )
    return appointment


@transaction.atomic
def do_end_courier_appointment(
    appointment: CourierAppointment, *, actor: Actor, reason: str
) -> CourierAppointment:
    """解聘 (or the year is over): the courier role goes when no other appointment there is active."""
    appointment = CourierAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == AppointmentStatus.ENDED:
        raise ActionError("appointment_already_ended", _("该聘任已结束"))
    if not reason.strip():
        raise ActionError("reason_required", _("解聘必须说明理由"), {"field": "reason"})
    appointment.status = AppointmentStatus.ENDED
    appointment.ended_at = timezone.now()
    appointment.end_reason = reason.strip()[:200]
    appointment.save(update_fields=["status", "ended_at", "end_reason"])
    still_serving = CourierAppointment.objects.filter(
        person=appointment.person, community=appointment.community, status=AppointmentStatus.ACTIVE
    ).exists()
    revoked = None
    if not still_serving:
        for grant in RoleGrant.objects.active().filter(
            person=appointment.person, role=COURIER_ROLE, unit=appointment.community
        ):
            revoked = do_revoke_role(
                grant, actor=actor, reason=_("民情专递员聘任结束：%(r)s") % {"r": reason.strip()}
            )
    record_event(
        actor=actor,
        action="voices.courier.end",
        subject=appointment,
        unit=appointment.community,
        public=True,
        reason=reason.strip(),
        data={"revoked_grant": revoked.pk if revoked else None},
    )
    notify(
        [appointment.person],
        kind="voices.courier.ended",
        title=_("您在%(unit)s的民情专递员聘任已结束") % {"unit": appointment.community.name},
    )
    return appointment


@transaction.atomic
def do_appraise_courier(
    appointment: CourierAppointment, *, grade: str, notes: str = "", actor: Actor
) -> CourierAppraisal:
    """一年一考核: one appraisal per appointment year."""
    if grade not in AppraisalGrade.values:
        raise ActionError("grade_invalid", _("考核等次应为优秀、合格、基本合格或不合格"), {"field": "grade"})
    if len(notes) > 2000:
        raise ActionError("notes_too_long", _("考核意见不能超过2000字"), {"field": "notes"})
    if actor.person is None:
        raise ActionError("appraiser_required", _("考核须由工作人员作出"))
    if CourierAppraisal.objects.filter(appointment=appointment, year=appointment.year).exists():
        raise ActionError("appraisal_exists", _("该民情专递员本年度已考核"), {"field": "grade"})
    appraisal = CourierAppraisal.objects.create(
        appointment=appointment,
        year=appointment.year,
        grade=grade,
        notes=notes.strip(),
        appraised_by=actor.person,
        appraised_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="voices.courier.appraise",
        subject=appointment,
        unit=appointment.community,
        data={"year": appointment.year, "grade": grade},
    )
    notify(
        [appointment.person],
        kind="voices.courier.appraised",
        title=_("%(year)d年度民情专递员考核结果：%(grade)s")
        % {"year": appointment.year, "grade": AppraisalGrade(grade).label},
    )
    return appraisal


def check_subsidy_payment(
    appointment: CourierAppointment, period: str, amount: Decimal, paid_on: dt.date
) -> None:
    match = PERIOD_RE.match(period)
    if match is None:
        raise ActionError(
            "period_invalid", _("补贴期间格式应为 2026-03（按月）或 2026（按年）"), {"field": "period"}
        )
    monthly = appointment.subsidy_period == SubsidyPeriod.MONTH
    if monthly != bool(match.group(2)):
        message = _("按月发放的补贴，期间应写成 2026-03") if monthly else _("按年发放的补贴，期间应写成 2026")
        raise ActionError("period_invalid", message, {"field": "period"})
    if int(match.group(1)) != appointment.year:
        raise ActionError("period_out_of_year", _("补贴期间应在聘任年度内"), {"field": "period"})
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount > MAX_SUBSIDY:
        raise ActionError("amount_invalid", _("发放金额应大于0且不超过100000元"), {"field": "amount"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ActionError("amount_invalid", _("金额最多精确到分"), {"field": "amount"})
    if paid_on > timezone.localdate():
        raise ActionError("paid_on_future", _("发放日期不能晚于今天"), {"field": "paid_on"})
    if SubsidyPayment.objects.filter(appointment=appointment, period=period).exists():
        raise ActionError("subsidy_already_paid", _("该期间的补贴已登记发放"), {"field": "period"})


@transaction.atomic
def do_record_subsidy_payment(
    appointment: CourierAppointment, *, period: str, amount: Decimal, paid_on: dt.date, actor: Actor
) -> SubsidyPayment:
    period = period.strip()
    check_subsidy_payment(appointment, period, amount, paid_on)
    if actor.person is None:
        raise ActionError("recorder_required", _("补贴发放须由工作人员登记"))
    payment = SubsidyPayment.objects.create(
        appointment=appointment, period=period, amount=amount, paid_on=paid_on, recorded_by=actor.person
    )
    record_event(
        actor=actor,
        action="voices.courier.subsidy",
        subject=appointment,
        unit=appointment.community,
        data={"period": period, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return payment


# --- the courier's own entry: home visits and diaries ---------------------------------------------


@dataclass(frozen=True)
class ReportedVoice:
    """One matter heard on a visit, registered as a voice through intake (channel: courier)."""

    title: str
    content: str
    category: Category
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class VisitInput:
    community: Unit
    heard: str
    kind: str = VisitKind.VISIT
    household: str = ""
    category: Category | None = None
    visited_at: dt.datetime | None = None
    voices: Sequence[ReportedVoice] = field(default_factory=tuple)
    photos: Sequence[IO[bytes] | Any] = field(default_factory=tuple)


def serving_appointment(person: Person, community: Unit, when: dt.date) -> CourierAppointment | None:
    return (
        CourierAppointment.objects.filter(
            person=person, community=community, year=when.year, status=AppointmentStatus.ACTIVE
        )
        .select_related("community")
        .first()
    )


def check_log_visit(person: Person, data: VisitInput, when: dt.datetime) -> CourierAppointment:
    appointment = serving_appointment(person, data.community, timezone.localtime(when).date())
    if appointment is None:
        raise ActionError(
            "not_a_courier",
            _("您不是%(unit)s本年度在聘的民情专递员") % {"unit": data.community.name},
            {"field": "community"},
        )
    if data.kind not in VisitKind.values:
        raise ActionError("visit_kind_invalid", _("请选择民情家访或民情日记"), {"field": "kind"})
    if not data.heard.strip():
        raise ActionError("heard_required", _("请填写听到的民情"), {"field": "heard"})
    if len(data.heard) > 4000:
        raise ActionError("heard_too_long", _("内容不能超过4000字"), {"field": "heard"})
    if len(data.household) > 120:
        raise ActionError("household_too_long", _("走访户（楼栋）不能超过120字"), {"field": "household"})
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ActionError("visited_at_future", _("走访时间不能晚于现在"), {"field": "visited_at"})
    if len(data.voices) > MAX_VOICES_PER_VISIT:
        raise ActionError("too_many_voices", _("一次走访最多登记%(n)d件诉求") % {"n": MAX_VOICES_PER_VISIT})
    if len(data.photos) > MAX_PHOTOS_PER_VISIT:
        raise ActionError(
            "too_many_photos", _("最多上传%(n)d张照片") % {"n": MAX_PHOTOS_PER_VISIT}, {"field": "photos"}
        )
    return appointment


@transaction.atomic
def do_log_courier_visit(data: VisitInput, *, actor: Actor) -> CourierVisit:
    """Log a visit (or diary entry); each matter heard becomes a voice registered with channel courier."""
    courier = actor.person
    if courier is None:
        raise ActionError("courier_required", _("走访记录须由民情专递员本人登记"))
    when = data.visited_at or timezone.now()
    appointment = check_log_visit(courier, data, when)
    visit = CourierVisit.objects.create(
        appointment=appointment,
        courier=courier,
        community=data.community,
        kind=data.kind,
        visited_at=when,
        household=data.household.strip(),
        heard=data.heard.strip(),
        category=data.category,
    )
    created: list[Voice] = []
    for item in data.voices:
        voice = do_record_voice(
            VoiceInput(
                title=item.title,
                content=item.content,
                category=item.category,
                unit=data.community,
                place=data.household,
                contact_name=item.contact_name,
                contact_phone=item.contact_phone,
            ),
            actor=actor,
            channel_code=ChannelCode.COURIER,
        ).voice
        created.append(voice)
    visit.voices.set(created)
    for photo in data.photos:
        do_store_attachment(photo, actor=actor, subject=visit, unit=data.community)
    record_event(
        actor=actor,
        action="voices.courier.visit",
        subject=appointment,
        unit=data.community,
        data={
            "visit": visit.pk,
            "kind": data.kind,
            "voices": [v.pk for v in created],
            "photos": len(data.photos),
        },
    )
    return visit
