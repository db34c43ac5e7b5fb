"""Pages and API for suggestions (V5) and couriers (V6); list query counts stay constant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minyi.core.actors import Actor
from minyi.core.models import Event
from minyi.core.tests.apitest import ApiClient, assert_constant_queries, token_for
from minyi.voices.actions.couriers import (
    AppointmentInput,
    VisitInput,
    do_appoint_courier,
    do_log_courier_visit,
)
from minyi.voices.actions.suggestions import SuggestionInput, do_file_suggestion, instance_for
from minyi.voices.models import CourierAppointment, CourierVisit, FaceToFaceConsultation, Voice
from minyi.voices.tests.suggest_support import category_fixture, channels_fixture, make_deputy_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels")
YEAR = timezone.localdate().year


def login(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def file(proposer: Any, category: Any, title: str = "关于增设公交站点的建议") -> Voice:
    return do_file_suggestion(
        SuggestionInput(
            kind="deputy_suggestion",
            title=title,
            content="内容",
            category=category,
            area="urban",
            session="第三次会议",
        ),
        actor=Actor(person=proposer, role="deputy"),
    )


def test_deputy_files_on_the_page_and_sees_it_listed(tree: Any, make_deputy: Any, category: Any) -> None:
    deputy = make_deputy(tree.community)
    client = login(deputy)
    assert client.get(reverse("voices:suggestion_new")).status_code == 200
    response = client.post(
        reverse("voices:suggestion_new"),
        {
            "kind": "deputy_suggestion",
            "title": "关于老旧小区加装电梯的建议",
            "content": "加装电梯",
            "category": category.pk,
            "area": "urban",
            "session": "第三次会议",
            "expects_implementation": "on",
        },
    )
    voice = Voice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "voices:suggestion", args=[voice.pk]
    )
    page = client.get(reverse("voices:suggestions"))
    assert "建议第1号" in page.content.decode() and "待交办" in page.content.decode()
    bad = client.post(
        reverse("voices:suggestion_new"),
        {
            "kind": "deputy_suggestion",
            "title": "x",
            "content": "y",
            "category": category.pk,
            "area": "urban",
            "session": "s",
            "co_signers": "nobody",
        },
    )
    assert bad.status_code == 400 and "找不到用户" in bad.content.decode() and Voice.objects.count() == 1


def test_residents_cannot_file(tree: Any, make_person: Any) -> None:
    client = login(make_person("resident", tree.community))
    assert client.get(reverse("voices:suggestion_new")).status_code == 403


def test_department_records_consultation_and_replies_on_the_page(
    tree: Any, make_deputy: Any, make_person: Any, category: Any
) -> None:
    deputy = make_deputy(tree.community)
    district = make_person("district_staff", tree.district)
    handler = make_person("department_handler", tree.department)
    voice = file(deputy, category)
    client = login(district)
    page = client.get(reverse("voices:suggestion", args=[voice.pk]))
    assert "交办承办单位" in page.content.decode()
    client.post(
        reverse("voices:suggestion", args=[voice.pk]),
        {"step": "assign", "assign-lead_department": tree.department.pk},
    )
    assert instance_for(voice).state == "assigned"
    client = login(handler)
    page = client.get(reverse("voices:suggestion", args=[voice.pk])).content.decode()
    assert "登记面商" in page and "答复" in page and "交办承办单位" not in page
    held = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        reverse("voices:suggestion", args=[voice.pk]),
        {
            "step": "consult",
            "consult-held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "consult-place": "联络站",
            "consult-department_attendees": "王科长",
            "consult-proposer_present": "on",
        },
    )
    assert response.status_code == 302 and FaceToFaceConsultation.objects.count() == 1
    response = client.post(
        reverse("voices:suggestion", args=[voice.pk]),
        {"step": "reply", "reply-reply": "已落实", "reply-resolution": "resolved"},
    )
    assert response.status_code == 302 and instance_for(voice).state == "replied"
    # The department cannot rate: no such form, and posting it is refused.
    assert (
        login(handler)
        .post(
            reverse("voices:suggestion", args=[voice.pk]), {"step": "rate", "rate-satisfaction": "satisfied"}
        )
        .status_code
        == 403
    )
    stranger = make_person("resident", tree.community)
    assert login(stranger).get(reverse("voices:suggestion", args=[voice.pk])).status_code == 404


def test_suggestion_list_query_count_is_constant(
    tree: Any, make_deputy: Any, category: Any, django_assert_num_queries: Any
) -> None:
    deputy = make_deputy(tree.community)
    file(deputy, category)
    client = login(deputy)

    def grow() -> None:
        for n in range(4):
            file(deputy, category, title=f"建议{n}")

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("voices:suggestions")), grow
    )
    api = ApiClient(token_for(deputy))
    api.get("/voices/suggestions")  # the token's first use writes last_used_at
    assert_constant_queries(django_assert_num_queries, lambda: api.get("/voices/suggestions"), grow)


def test_api_file_consult_reply_rate(tree: Any, make_deputy: Any, make_person: Any, category: Any) -> None:
    deputy = make_deputy(tree.community)
    cosigner = make_deputy(tree.community, name="赵代表")
    district = make_person("district_staff", tree.district)
    handler = make_person("department_handler", tree.department)
    api = ApiClient(token_for(deputy))
    response = api.post(
        "/voices/suggestions",
        {
            "kind": "deputy_suggestion",
            "title": "关于增设路灯的建议",
            "content": "夜间照明不足",
            "category": "roads",
            "area": "urban",
            "session": "第三次会议",
            "co_signers": [cosigner.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number_label"], body["state"], body["co_signers"]) == ("建议第1号", "filed", ["赵代表"])
    voice_id = body["id"]
    refused = ApiClient(token_for(handler)).post(
        f"/voices/suggestions/{voice_id}/assign", {"lead_department": tree.department.pk}
    )
    assert refused.status_code == 404  # not visible to the department before assignment
    ok = ApiClient(token_for(district)).post(
        f"/voices/suggestions/{voice_id}/assign", {"lead_department": tree.department.pk, "due_days": 60}
    )
    assert ok.status_code == 200 and ok.json()["state"] == "assigned"
    dept = ApiClient(token_for(handler))
    no_reason = dept.post(f"/voices/suggestions/{voice_id}/reply", {"reply": "r", "resolution": "answered"})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "consultation_required"
    held = (timezone.now() - dt.timedelta(hours=3)).isoformat()
    consulted = dept.post(
        f"/voices/suggestions/{voice_id}/consultations",
        {"held_at": held, "place": "联络站", "department_attendees": "王科长"},
    )
    assert consulted.status_code == 201 and len(consulted.json()["consultations"]) == 1
    replied = dept.post(
        f"/voices/suggestions/{voice_id}/reply", {"reply": "已安装", "resolution": "resolved"}
    )
    assert replied.json()["resolution"] == "resolved"
    assert dept.post(f"/voices/suggestions/{voice_id}/rate", {"satisfaction": "satisfied"}).status_code == 403
    rated = api.post(f"/voices/suggestions/{voice_id}/rate", {"satisfaction": "satisfied"})
    assert rated.status_code == 200 and rated.json()["state"] == "rated"
    resident = ApiClient(token_for(make_person("resident", tree.community)))
    assert (
        resident.post(
            "/voices/suggestions",
            {
                "kind": "deputy_suggestion",
                "title": "t",
                "content": "c",
                "category": "roads",
                "area": "urban",
                "session": "s",
            },
        ).status_code
        == 403
    )


def test_courier_pages_and_api(
    tree: Any, make_person: Any, category: Any, django_assert_num_queries: Any
) -> None:
    staff = make_person("community_staff", tree.community, name="社区书记")
    courier = make_person(name="刘大姐")
    staff_client = login(staff)
    response = staff_client.post(
        reverse("voices:couriers"),
        {
            "form": "appoint",
            "username": courier.username,
            "community": tree.community.pk,
            "year": YEAR,
            "subsidy_amount": "300.00",
            "subsidy_period": "month",
        },
    )
    assert response.status_code == 302
    appointment = CourierAppointment.objects.get()
    barred = make_person("community_staff", tree.community, name="两委委员")
    response = staff_client.post(
        reverse("voices:couriers"),
        {
            "form": "appoint",
            "username": barred.username,
            "community": tree.community.pk,
            "year": YEAR,
            "subsidy_amount": "300.00",
            "subsidy_period": "month",
        },
    )
    assert response.status_code == 400 and "不能担任民情专递员" in response.content.decode()
    response = staff_client.post(
        reverse("voices:couriers"),
        {
            "form": "subsidy",
            "appointment": appointment.pk,
            f"subsidy-{appointment.pk}-period": f"{YEAR}-01",
            f"subsidy-{appointment.pk}-amount": "300",
            f"subsidy-{appointment.pk}-paid_on": timezone.localdate(),
        },
    )
    assert response.status_code == 302
    page = staff_client.get(reverse("voices:couriers")).content.decode()
    assert "刘大姐" in page and "300.00元" in page
    assert login(courier).get(reverse("voices:couriers")).status_code == 403

    courier_client = login(courier)
    assert courier_client.get(reverse("voices:courier_visit")).status_code == 200
    response = courier_client.post(
        reverse("voices:courier_visit"),
        {
            "kind": "visit",
            "household": "3栋",
            "heard": "楼道灯坏了",
            "category": category.pk,
            "report": "on",
            "report_title": "3栋楼道灯损坏",
        },
    )
    assert response.status_code == 302
    visit = CourierVisit.objects.get()
    assert visit.voices.get().channel.code == "courier"
    assert login(staff).get(reverse("voices:courier_visit")).status_code == 403

    api = ApiClient(token_for(courier))
    api.get("/voices/courier-visits")  # the token's first use writes last_used_at

    def grow() -> None:
        for n in range(3):
            do_log_courier_visit(
                VisitInput(community=tree.community, heard=f"日记{n}", kind="diary"),
                actor=Actor(person=courier, role="courier", unit=tree.community),
            )

    assert_constant_queries(
        django_assert_num_queries, lambda: courier_client.get(reverse("voices:courier_visit")), grow
    )
    assert_constant_queries(django_assert_num_queries, lambda: api.get("/voices/courier-visits"), grow)
    created = api.post(
        "/voices/courier-visits",
        {
            "community": tree.community.pk,
            "heard": "反映停车难",
            "voices": [{"title": "小区停车难", "content": "夜间无处停车", "category": "roads"}],
        },
    )
    assert created.status_code == 201 and len(created.json()["voices"]) == 1
    staff_api = ApiClient(token_for(staff))
    listed = staff_api.get("/voices/courier-appointments")
    assert listed.json()["count"] == 1
    other = make_person(name="新专递员")
    made = staff_api.post(
        "/voices/courier-appointments",
        {"person": other.pk, "community": tree.community.pk, "year": YEAR, "subsidy_amount": "200.00"},
    )
    assert made.status_code == 201
    before = Event.objects.count()
    refused = api.post(
        "/voices/courier-appointments",
        {"person": other.pk, "community": tree.other_community.pk, "year": YEAR, "subsidy_amount": "200"},
    )
    assert refused.status_code == 403 and Event.objects.count() == before


def test_courier_appointment_list_query_count(
    tree: Any, make_person: Any, django_assert_num_queries: Any
) -> None:
    staff = make_person("township_staff", tree.township)
    actor = Actor(person=staff, role="township_staff", unit=tree.township)
    client = login(staff)

    def grow() -> None:
        for n in range(3):
            do_appoint_courier(
                AppointmentInput(
                    person=make_person(name=f"专递员{n}"),
                    community=tree.community,
                    year=YEAR,
                    subsidy_amount=Decimal("100"),
                ),
                actor=actor,
            )

    grow()
    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("voices:couriers")), grow)
