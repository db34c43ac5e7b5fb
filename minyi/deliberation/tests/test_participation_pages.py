"""Pages and API for D1 management, D5 and D6: staff operate, the public reads what is published."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minyi.ballots.models import Ballot
from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.deliberation.actions import appraisals as ap
from minyi.deliberation.actions import consultation as c
from minyi.deliberation.actions import hearings as h
from minyi.deliberation.actions import inquiries as iq
from minyi.deliberation.models import (
    Appraisal,
    AppraisalState,
    ConsultationItem,
    Council,
    Hearing,
    LiaisonContact,
    Membership,
    SpeakerApplication,
    Term,
)
from minyi.deliberation.tests.test_inquiries import GROUPS

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Minyi-2026"


def login(person: Person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


def act(person: Person) -> Actor:
    return Actor(person=person, role="district_staff", unit=None)


@pytest.fixture
def officer(tree: Any, make_person: Any) -> Person:
    return make_person("district_staff", tree.district, name="王科长")


def test_council_pages_create_edit_members_and_duties(
    council: Council, term: Term, members: list[Person], staff: Person, make_person: Any, tree: Any
) -> None:
    web = login(staff)
    assert web.get(reverse("deliberation:councils")).status_code == 200
    response = web.post(
        reverse("deliberation:councils"),
        {"op": "create", "unit": tree.community.pk, "name": "金沙坝坝会", "kind": "courtyard"},
    )
    assert response.status_code == 302 and Council.objects.filter(name="金沙坝坝会").exists()
    manage = reverse("deliberation:council_manage", args=[council.pk])
    assert web.get(manage).status_code == 200
    web.post(
        manage,
        {"op": "council", "name": "金沙议事厅", "kind": "hall", "governance_vote": "1", "is_active": "1"},
    )
    council.refresh_from_db()
    assert council.governance_vote and council.name == "金沙议事厅"
    newcomer = make_person(name="新代表")
    web.post(
        manage,
        {
            "op": "member",
            "username": newcomer.username,
            "member_type": "governance",
            "term": term.pk,
            "votes": "12",
        },
    )
    membership = Membership.objects.get(person=newcomer)
    assert membership.member_type == "governance" and membership.votes == 12
    web.post(
        manage,
        {
            "op": "end",
            "membership": membership.pk,
            "left_on": timezone.localdate().isoformat(),
            "reason": "搬离",
        },
    )
    membership.refresh_from_db()
    assert not membership.is_active
    # Bad input: unknown account — an error message and nothing written.
    before = Membership.objects.count()
    response = web.post(
        manage,
        {"op": "member", "username": "nobody", "member_type": "resident", "term": term.pk},
        follow=True,
    )
    assert "未找到账号" in response.content.decode() and Membership.objects.count() == before
    # A member may not open the management page.
    assert login(members[0]).get(manage).status_code == 403
    # The member logs a contact on their phone page.
    mine = login(members[0])
    assert mine.get(reverse("deliberation:my_duties")).status_code == 200
    mine.post(
        reverse("deliberation:my_duties"),
        {
            "op": "contact",
            "membership": Membership.objects.get(person=members[0]).pk,
            "contacted_on": timezone.localdate().isoformat(),
            "kind": "visit",
            "whom": "5栋",
            "summary": "停车难",
        },
    )
    assert LiaisonContact.objects.filter(whom="5栋").exists()


def test_consultation_pages(tree: Any, officer: Person, make_person: Any, client: Client) -> None:
    web = login(officer)
    index = reverse("deliberation:consultation")
    web.post(
        index, {"op": "plan", "unit": tree.district.pk, "year": "2026", "title": "东城区2026年度协商计划"}
    )
    from minyi.deliberation.models import ConsultationPlan

    plan = ConsultationPlan.objects.get()
    plan_url = reverse("deliberation:plan", args=[plan.pk])
    assert client.get(plan_url).status_code == 404  # a draft is not public
    web.post(
        plan_url,
        {
            "op": "item",
            "title": "财政工作座谈协商",
            "channel": "party",
            "form": "symposium",
            "organiser": tree.department.pk,
            "starts_on": "2026-05-01",
            "participants": "各民主党派",
        },
    )
    web.post(plan_url, {"op": "publish"})
    page = client.get(plan_url)
    assert page.status_code == 200 and "财政工作座谈协商" in page.content.decode()
    assert "东城区2026年度协商计划" in client.get(index).content.decode()
    expert = make_person(name="钱教授")
    web.post(
        reverse("deliberation:advisers"),
        {
            "op": "add",
            "unit": tree.district.pk,
            "username": expert.username,
            "kind": "expert",
            "field": "财政学",
            "title": "教授",
        },
    )
    item = ConsultationItem.objects.get()
    from minyi.deliberation.models import Adviser

    web.post(
        reverse("deliberation:item", args=[item.pk]), {"op": "invite", "adviser": Adviser.objects.get().pk}
    )
    expert_web = login(expert)
    item_page = expert_web.get(reverse("deliberation:item", args=[item.pk]))
    assert item_page.status_code == 200 and "提交意见" in item_page.content.decode()
    assert login(make_person()).get(reverse("deliberation:item", args=[item.pk])).status_code == 403
    api = client.get("/api/v1/deliberation/consultation/plans")
    assert api.status_code == 200 and api.json()["items"][0]["items"][0]["form"] == "symposium"


def test_hearing_page_apply_select_publish(
    tree: Any, officer: Person, make_person: Any, client: Client
) -> None:
    web = login(officer)
    web.post(
        reverse("deliberation:consultation"),
        {
            "op": "hearing",
            "unit": tree.district.pk,
            "title": "供水价格听证会",
            "matter": "水价调整",
            "held_at": (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "apply_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "seats": "1",
        },
    )
    hearing = Hearing.objects.get()
    url = reverse("deliberation:hearing", args=[hearing.pk])
    resident = make_person(name="孙居民")
    login(resident).post(url, {"op": "apply", "stance": "反对涨价"})
    response = login(make_person(name="周居民")).post(
        f"/api/v1/deliberation/hearings/{hearing.pk}/apply",
        {"stance": "支持分档"},
        content_type="application/json",
    )
    assert response.status_code == 201
    first = SpeakerApplication.objects.get(person=resident)
    web.post(url, {"op": "select", "selected": [first.pk]})
    web.post(url, {"op": "opinion", "speaker": first.pk, "text": "反对一次涨到位"})
    opinion = hearing.opinions.get()
    web.post(url, {"op": "respond", "opinion": opinion.pk, "response": "not_adopted", "reason": "成本已核算"})
    web.post(url, {"op": "publish", "decision": "按方案执行"})
    public = client.get(url).content.decode()
    assert "未采纳" in public and "成本已核算" in public and "孙居民" not in public  # speakers are masked
    data = client.get(f"/api/v1/deliberation/hearings/{hearing.pk}").json()
    assert data["state"] == "published" and data["opinions"][0]["response"] == "not_adopted"


def test_inquiry_and_appraisal_pages_with_projector(
    tree: Any, officer: Person, make_person: Any, client: Client
) -> None:
    session = iq.do_create_session(
        tree.district,
        iq.SessionInput(kind="inquiry", title="乡村振兴专题询问", subject="产业发展", held_at=timezone.now()),
        actor=act(officer),
    )
    url = reverse("deliberation:inquiry", args=[session.pk])
    assert client.get(url).status_code == 404
    deputy = make_person("deputy", tree.district, name="刘代表")
    web = login(officer)
    web.post(url, {"op": "question", "asker": deputy.username, "text": "茶产业如何扶持？"})
    question = session.questions.get()
    head = make_person(name="农业局长")
    web.post(
        url,
        {
            "op": "answer",
            "question": question.pk,
            "official": head.username,
            "office": "局长",
            "office_unit": tree.department.pk,
            "text": "设立专项资金",
        },
    )
    web.post(
        url,
        {
            "op": "follow_up",
            "question": question.pk,
            "text": "专项资金落实",
            "unit": tree.department.pk,
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    web.post(url, {"op": "publish"})
    page = client.get(url).content.decode()
    assert "设立专项资金" in page and "专项资金落实" in page
    assert (
        client.get("/api/v1/deliberation/inquiries").json()["items"][0]["questions"][0]["answers"][0][
            "office"
        ]
        == "局长"
    )

    appraisal = ap.do_create_appraisal(
        tree.district,
        ap.AppraisalInput(
            title="交通专项评议",
            work="交通",
            held_at=timezone.now(),
            departments=[tree.department],
            groups=GROUPS,
        ),
        actor=act(officer),
    )
    a_url = reverse("deliberation:appraisal", args=[appraisal.pk])
    assert web.get(a_url).status_code == 200
    rater = make_person(name="评议代表")
    web.post(a_url, {"op": "raters", "group": "deputies", "usernames": rater.username})
    web.post(a_url, {"op": "start"})
    appraisal.refresh_from_db()
    assert appraisal.state == AppraisalState.SCORING
    score_url = reverse("deliberation:appraisal_score", args=[appraisal.pk])
    rater_web = login(rater)
    assert rater_web.get(score_url).status_code == 200
    key = appraisal.poll.options.get().key
    bad = rater_web.post(score_url, {f"{key}-work": "120"}, follow=True)
    assert "0" in bad.content.decode() and not Ballot.objects.exists()
    done = rater_web.post(score_url, {f"{key}-work": "85"})
    assert "回执码" in done.content.decode()
    assert login(make_person()).get(score_url).status_code == 403
    web.post(a_url, {"op": "announce"})
    assert Appraisal.objects.get().state == AppraisalState.ANNOUNCED
    projector = client.get(reverse("deliberation:projector", args=[appraisal.poll.pk])).content.decode()
    assert "85.00" in projector and "满意" in projector
    assert (
        client.get(f"/api/v1/deliberation/appraisals/{appraisal.pk}").json()["results"][0]["grade"] == "满意"
    )


def test_public_lists_have_constant_queries(
    tree: Any, officer: Person, client: Client, django_assert_max_num_queries: Any
) -> None:
    def plans(start: int, n: int) -> None:
        for i in range(start, start + n):
            plan = c.do_create_plan(tree.district, year=2026, title=f"计划{i}", actor=act(officer))
            c.do_add_item(
                plan,
                c.ItemInput(
                    title="事项",
                    channel="cppcc",
                    form="meeting",
                    organiser=tree.department,
                    starts_on=dt.date(2026, 6, 1),
                ),
                actor=act(officer),
            )
            c.do_publish_plan(plan, actor=act(officer))
            h.do_create_hearing(
                tree.district,
                h.HearingInput(
                    title=f"听证{i}",
                    matter="m",
                    held_at=timezone.now() + dt.timedelta(days=5),
                    apply_until=timezone.localdate(),
                    seats=3,
                ),
                actor=act(officer),
            )

    plans(0, 2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("deliberation:consultation"))
        client.get("/api/v1/deliberation/consultation/plans")
    plans(2, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("deliberation:consultation"))
        client.get("/api/v1/deliberation/consultation/plans")
