"""V6: courier appointments (who may not serve), appraisal, subsidies and visit logs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Attachment, Event, Notification, ProcessInstance, RoleGrant
from minyi.voices.actions.couriers import (
    AppointmentInput,
    ReportedVoice,
    VisitInput,
    do_appoint_courier,
    do_appraise_courier,
    do_end_courier_appointment,
    do_log_courier_visit,
    do_record_subsidy_payment,
)
from minyi.voices.models import CourierAppointment, CourierAppraisal, CourierVisit, SubsidyPayment, Voice
from minyi.voices.tests.suggest_support import category_fixture, channels_fixture  # noqa: F401

YEAR = timezone.localdate().year


def appoint(person: Any, community: Any, actor: Actor, **extra: Any) -> CourierAppointment:
    data = dict(person=person, community=community, year=YEAR, subsidy_amount=Decimal("300.00"))
    data.update(extra)
    return do_appoint_courier(AppointmentInput(**data), actor=actor)


@pytest.fixture
def party(tree: Any, make_person: Any) -> Actor:
    return Actor(
        person=make_person("township_staff", tree.township, name="街道党工委"),
        role="township_staff",
        unit=tree.township,
    )


def test_appointment_grants_the_role_and_ending_revokes_it(tree: Any, make_person: Any, party: Actor) -> None:
    resident = make_person("resident", tree.community, name="刘大姐")
    appointment = appoint(resident, tree.community, party)
    grant = RoleGrant.objects.active().get(person=resident, role="courier")
    assert grant.unit == tree.community and appointment.role_grant == grant
    assert Event.objects.filter(action="voices.courier.appoint", subject_id=str(appointment.pk)).exists()
    assert Event.objects.filter(action="core.role.grant", subject_id=str(resident.pk)).exists()
    assert Notification.objects.filter(recipient=resident, kind="voices.courier.appointed").exists()
    assert resident.has_perm("voices.log_courier_visit")

    do_end_courier_appointment(appointment, actor=party, reason="本人申请辞去")
    appointment.refresh_from_db()
    assert appointment.status == "ended" and appointment.ended_at is not None
    assert not RoleGrant.objects.active().filter(person=resident, role="courier").exists()
    assert Event.objects.filter(action="core.role.revoke").count() == 1
    with pytest.raises(ActionError) as error:
        do_end_courier_appointment(appointment, actor=party, reason="again")
    assert error.value.code == "appointment_already_ended"


def test_the_role_stays_while_another_year_is_active(tree: Any, make_person: Any, party: Actor) -> None:
    resident = make_person(name="刘大姐")
    last_year = appoint(resident, tree.community, party, year=YEAR - 1)
    this_year = appoint(resident, tree.community, party)
    assert this_year.role_grant == last_year.role_grant
    do_end_courier_appointment(last_year, actor=party, reason="年度结束")
    assert RoleGrant.objects.active().filter(person=resident, role="courier").count() == 1


def _unit(name: str, kind: str, parent: Any, system: Actor) -> Any:
    return do_create_unit(UnitInput(name=name, kind=kind), parent, actor=system)


@pytest.mark.parametrize(
    ("role", "where", "barred"),
    [
        ("community_staff", "community", True),  # the community's two committees
        ("township_staff", "township", True),  # the subdistrict's staff
        ("station_staff", "station", True),  # a body of the subdistrict
        ("department_handler", "township_department", True),  # a subdistrict office
        ("station_staff", "community_station", True),  # a station inside the community
        ("community_staff", "grid", True),  # a grid of the community
        ("district_staff", "district", True),  # an office above reaching the community
        ("admin", "city", True),
        ("community_staff", "sibling_community", False),  # another community's committee
        ("community_staff", "other_community", False),  # another subdistrict altogether
        ("department_handler", "department", False),  # a district department does not reach it
        ("resident", "community", False),  # not an office
        ("deputy", "township", False),
        ("courier", "sibling_community", False),
    ],
)
def test_who_may_not_be_a_courier(
    tree: Any, make_person: Any, party: Actor, system: Actor, role: str, where: str, barred: bool
) -> None:
    units = {
        "community": tree.community,
        "township": tree.township,
        "station": tree.station,
        "district": tree.district,
        "city": tree.city,
        "department": tree.department,
        "other_community": tree.other_community,
        "township_department": lambda: _unit("青云街道社区发展办", "department", tree.township, system),
        "community_station": lambda: _unit("金沙社区联络站", "station", tree.community, system),
        "grid": lambda: _unit("金沙社区一网格", "grid", tree.community, system),
        "sibling_community": lambda: _unit("银沙社区", "community", tree.township, system),
    }
    unit = units[where]
    unit = unit() if callable(unit) else unit
    person = make_person(role, unit, name="候选人")
    before = (Event.objects.count(), RoleGrant.objects.count(), CourierAppointment.objects.count())
    if barred:
        with pytest.raises(ActionError) as error:
            appoint(person, tree.community, party)
        assert error.value.code == "courier_staff_barred"
        assert "不能担任民情专递员" in error.value.message and unit.name in error.value.message
        assert (
            Event.objects.count(),
            RoleGrant.objects.count(),
            CourierAppointment.objects.count(),
        ) == before
    else:
        assert appoint(person, tree.community, party).status == "active"


def test_revoked_staff_role_no_longer_bars(tree: Any, make_person: Any, party: Actor, system: Actor) -> None:
    from minyi.core.actions.roles import do_revoke_role

    person = make_person("community_staff", tree.community, name="前委员")
    do_revoke_role(RoleGrant.objects.get(person=person), actor=system, reason="换届离任")
    assert appoint(person, tree.community, party).status == "active"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"community": "township"}, "community_required"),
        ({"year": YEAR + 5}, "year_invalid"),
        ({"subsidy_amount": Decimal("-1")}, "subsidy_invalid"),
        ({"subsidy_amount": Decimal("1.005")}, "subsidy_invalid"),
        ({"subsidy_period": "week"}, "subsidy_period_invalid"),
    ],
)
def test_bad_appointments_write_nothing(
    tree: Any, make_person: Any, party: Actor, extra: dict[str, Any], code: str
) -> None:
    person = make_person(name="候选人")
    community = tree.township if extra.pop("community", None) == "township" else tree.community
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        appoint(person, community, party, **extra)
    assert error.value.code == code and Event.objects.count() == before


def test_once_a_year(tree: Any, make_person: Any, party: Actor) -> None:
    person = make_person(name="候选人")
    appoint(person, tree.community, party)
    before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        appoint(person, tree.community, party)
    assert error.value.code == "courier_already_appointed" and Event.objects.count() == before


def test_appraisal_and_subsidies(tree: Any, make_person: Any, party: Actor) -> None:
    courier = make_person(name="刘大姐")
    appointment = appoint(courier, tree.community, party)
    appraisal = do_appraise_courier(appointment, grade="excellent", notes="走访认真", actor=party)
    assert (appraisal.year, appraisal.get_grade_display()) == (YEAR, "优秀")
    assert Notification.objects.filter(recipient=courier, kind="voices.courier.appraised").exists()
    for grade, code in (("excellent", "appraisal_exists"),):
        with pytest.raises(ActionError) as error:
            do_appraise_courier(appointment, grade=grade, actor=party)
        assert error.value.code == code
    with pytest.raises(ActionError):
        do_appraise_courier(appoint(make_person(name="乙"), tree.community, party), grade="A", actor=party)
    assert CourierAppraisal.objects.count() == 1

    paid_on = timezone.localdate()
    payment = do_record_subsidy_payment(
        appointment, period=f"{YEAR}-01", amount=Decimal("300.00"), paid_on=paid_on, actor=party
    )
    assert payment.amount == Decimal("300.00")
    assert Event.objects.filter(action="voices.courier.subsidy").count() == 1
    before = Event.objects.count()
    for period, amount, day, code in (
        (f"{YEAR}-01", Decimal("300"), paid_on, "subsidy_already_paid"),
        (f"{YEAR}", Decimal("300"), paid_on, "period_invalid"),  # monthly appointment
        (f"{YEAR - 1}-12", Decimal("300"), paid_on, "period_out_of_year"),
        (f"{YEAR}-13", Decimal("300"), paid_on, "period_invalid"),
        (f"{YEAR}-02", Decimal("0"), paid_on, "amount_invalid"),
        (f"{YEAR}-02", Decimal("300"), paid_on + dt.timedelta(days=3), "paid_on_future"),
    ):
        with pytest.raises(ActionError) as error:
            do_record_subsidy_payment(appointment, period=period, amount=amount, paid_on=day, actor=party)
        assert error.value.code == code
    assert Event.objects.count() == before and SubsidyPayment.objects.count() == 1


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.usefixtures("channels")
def test_visit_registers_voices_with_channel_courier(
    tree: Any, make_person: Any, party: Actor, category: Any, django_capture_on_commit_callbacks: Any
) -> None:
    courier = make_person(name="刘大姐")
    community_staff = make_person("community_staff", tree.community, name="社区书记")
    appoint(courier, tree.community, party)
    actor = Actor(person=courier, role="courier", unit=tree.community)
    with django_capture_on_commit_callbacks(execute=True):  # the intake follow-up tells the office
        visit = do_log_courier_visit(
            VisitInput(
                community=tree.community,
                heard="3栋住户反映楼道灯坏了，老人夜里出行不便。",
                household="3栋2单元",
                category=category,
                photos=[_png()],
                voices=[
                    ReportedVoice(
                        title="3栋楼道灯损坏",
                        content="楼道灯坏了一周",
                        category=category,
                        contact_name="张大爷",
                        contact_phone="13800000000",
                    )
                ],
            ),
            actor=actor,
        )
    voice = visit.voices.get()
    assert (voice.channel.code, voice.registered_by, voice.unit, voice.contact_name) == (
        "courier",
        courier,
        tree.community,
        "张大爷",
    )
    instance = ProcessInstance.objects.get(process="voice", subject_id=str(voice.pk))
    assert instance.state == "registered"
    assert Notification.objects.filter(recipient=community_staff, kind="voices.new").exists()
    assert (
        Attachment.objects.filter(subject_type="voices.couriervisit", subject_id=str(visit.pk)).count() == 1
    )
    assert Event.objects.filter(action="voices.courier.visit").get().data["voices"] == [voice.pk]
    diary = do_log_courier_visit(
        VisitInput(community=tree.community, heard="今日走访5户，无新诉求。", kind="diary"), actor=actor
    )
    assert diary.voices.count() == 0 and CourierVisit.objects.count() == 2


@pytest.mark.usefixtures("channels")
def test_visit_refused_writes_nothing(tree: Any, make_person: Any, party: Actor, category: Any) -> None:
    courier = make_person(name="刘大姐")
    stranger = make_person(name="路人")
    appoint(courier, tree.community, party)
    actor = Actor(person=courier, role="courier", unit=tree.community)
    cases = [
        (Actor(person=stranger), VisitInput(community=tree.community, heard="x"), "not_a_courier"),
        (actor, VisitInput(community=tree.other_community, heard="x"), "not_a_courier"),
        (actor, VisitInput(community=tree.community, heard="  "), "heard_required"),
        (
            actor,
            VisitInput(community=tree.community, heard="x", visited_at=timezone.now() + dt.timedelta(days=1)),
            "visited_at_future",
        ),
        (
            actor,
            VisitInput(
                community=tree.community,
                heard="x",
                voices=[ReportedVoice(title="", content="c", category=category)],
            ),
            "title_required",
        ),
    ]
    before = (Event.objects.count(), Voice.objects.count(), CourierVisit.objects.count())
    for who, data, code in cases:
        with pytest.raises(ActionError) as error:
            do_log_courier_visit(data, actor=who)
        assert error.value.code == code
    assert (Event.objects.count(), Voice.objects.count(), CourierVisit.objects.count()) == before
