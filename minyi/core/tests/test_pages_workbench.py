import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from minyi.core.actions.roles import do_grant_role, do_revoke_role
from minyi.core.calendar import DayKind
from minyi.core.models import Notification, Person, ProcessInstance, RoleGrant
from minyi.core.tests.standin_instances import standin_instance
from minyi.core.workbench import awaiting, deadline_label, deadline_status

SH = ZoneInfo("Asia/Shanghai")


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=SH)


# Tuesday 18 Nov 2025, 10:00 Shanghai; that week has no holidays.
NOW = dt.datetime(2025, 11, 18, 10, 0, tzinfo=SH)


def fresh(person: Person) -> Person:
    """The person as a new request sees them (no cached grants)."""
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


class TestAwaiting:
    def test_role_and_subtree_decide(self, tree, make_person):
        staff = make_person("township_staff", tree.township)
        mine = standin_instance(title="小区路灯不亮", unit=tree.community, awaiting_roles=["township_staff"])
        standin_instance(title="其他街道", unit=tree.other_community, awaiting_roles=["township_staff"])
        standin_instance(title="等待代表", unit=tree.community, awaiting_roles=["deputy"])
        standin_instance(
            title="已办结", unit=tree.community, awaiting_roles=["township_staff"], is_final=True
        )
        standin_instance(title="上级单位", unit=tree.district, awaiting_roles=["township_staff"])
        assert list(awaiting(fresh(staff))) == [mine]

    def test_role_must_be_the_one_held_on_that_subtree(self, tree, make_person, system):
        # Deputy in the other township and staff in this one: a deputy item here is not mine.
        person = make_person("township_staff", tree.township)
        do_grant_role(person, "deputy", tree.other_township, actor=system)
        here_deputy = standin_instance(title="这里待代表", unit=tree.community, awaiting_roles=["deputy"])
        there_deputy = standin_instance(
            title="那里待代表", unit=tree.other_community, awaiting_roles=["deputy"]
        )
        both = standin_instance(
            title="两者", unit=tree.community, awaiting_roles=["deputy", "township_staff"]
        )
        result = set(awaiting(fresh(person)))
        assert result == {there_deputy, both}
        assert here_deputy not in result

    def test_code_prefix_does_not_match(self, tree, make_person):
        # "staff" must not match "township_staff": the list is comma-wrapped.
        person = make_person("deputy", tree.township)
        standin_instance(title="x", unit=tree.community, awaiting_roles=["cppcc_deputy_like"])
        assert list(awaiting(fresh(person))) == []

    def test_revoked_grant_and_no_grant_see_nothing(self, tree, make_person, system):
        person = make_person("township_staff", tree.township)
        standin_instance(title="x", unit=tree.community, awaiting_roles=["township_staff"])
        do_revoke_role(RoleGrant.objects.get(person=person), actor=system, reason="调岗")
        assert list(awaiting(fresh(person))) == []
        assert list(awaiting(fresh(make_person()))) == []

    def test_overdue_first_then_deadline_then_none(self, tree, make_person):
        staff = make_person("township_staff", tree.township)
        kw = {"unit": tree.community, "awaiting_roles": ["township_staff"]}
        no_deadline = standin_instance(title="无时限", **kw)
        later = standin_instance(title="后到期", deadline_at=end_of(dt.date(2025, 11, 28)), **kw)
        sooner = standin_instance(title="先到期", deadline_at=end_of(dt.date(2025, 11, 20)), **kw)
        overdue_recent = standin_instance(title="刚超期", deadline_at=end_of(dt.date(2025, 11, 17)), **kw)
        overdue_old = standin_instance(title="早超期", deadline_at=end_of(dt.date(2025, 11, 10)), **kw)
        assert list(awaiting(fresh(staff), NOW)) == [overdue_old, overdue_recent, sooner, later, no_deadline]

    @pytest.mark.parametrize("rows", [1, 8])
    def test_one_query_whatever_the_rows(self, tree, make_person, django_assert_num_queries, rows):
        staff = make_person("township_staff", tree.township)
        for i in range(rows):
            standin_instance(title=f"事项{i}", unit=tree.community, awaiting_roles=["township_staff"])
        person = fresh(staff)
        with django_assert_num_queries(2):  # the grants, then the instances with their units
            items = list(awaiting(person))
            names = [item.unit.name for item in items]
        assert len(names) == rows


class TestDeadlineLabel:
    def label(self, due: dt.date | None, kind=DayKind.WORKING, now=NOW) -> str:
        return deadline_label(ProcessInstance(deadline_at=end_of(due) if due else None), now, kind)

    def test_working_days(self, zh):
        assert self.label(dt.date(2025, 11, 21)) == "剩余3个工作日"
        assert self.label(dt.date(2025, 11, 24)) == "剩余4个工作日"  # over a weekend
        assert self.label(dt.date(2025, 11, 18)) == "今日到期"
        assert self.label(dt.date(2025, 11, 14)) == "已超期2个工作日"
        assert self.label(None) == "无时限"

    def test_calendar_days(self, zh):
        assert self.label(dt.date(2025, 11, 21), DayKind.CALENDAR) == "剩余3天"
        assert self.label(dt.date(2025, 11, 24), DayKind.CALENDAR) == "剩余6天"
        assert self.label(dt.date(2025, 11, 16), DayKind.CALENDAR) == "已超期2天"

    def test_statutory_holidays_are_not_working_days(self, zh):
        # National Day 2025: 1–8 October off.
        now = dt.datetime(2025, 9, 30, 9, 0, tzinfo=SH)
        assert self.label(dt.date(2025, 10, 9), now=now) == "剩余1个工作日"

    def test_late_over_a_weekend_is_overdue_without_a_count(self, zh):
        saturday = dt.datetime(2025, 11, 22, 9, 0, tzinfo=SH)
        status = deadline_status(ProcessInstance(deadline_at=end_of(dt.date(2025, 11, 21))), saturday)
        assert status.overdue and status.label == "已超期"

    def test_english(self):
        with translation.override("en"):
            assert self.label(dt.date(2025, 11, 21)) == "3 working days left"
            assert self.label(dt.date(2025, 11, 19)) == "1 working day left"
            assert self.label(dt.date(2025, 11, 18)) == "Due today"
            assert self.label(dt.date(2025, 11, 14)) == "2 working days overdue"
            assert self.label(dt.date(2025, 11, 21), DayKind.CALENDAR) == "3 days left"


class TestWorkbenchPage:
    def test_login_required(self, client, db):
        response = client.get(reverse("core:workbench"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))

    def test_lists_my_items_roles_and_unread(self, client, tree, make_person, system):
        staff = make_person("township_staff", tree.township, name="李四")
        standin_instance(
            title="小区路灯不亮",
            unit=tree.community,
            awaiting_roles=["township_staff"],
            deadline_at=end_of(dt.date(2020, 1, 2)),
        )
        standin_instance(title="别人的事项", unit=tree.other_community, awaiting_roles=["township_staff"])
        Notification.objects.create(recipient=staff, kind="test", title="未读一")
        Notification.objects.create(recipient=staff, kind="test", title="未读二")
        Notification.objects.create(recipient=staff, kind="test", title="已读", read_at=NOW)
        client.force_login(staff)
        html = client.get(reverse("core:workbench"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "小区路灯不亮" in html and "别人的事项" not in html
        assert "乡镇（街道）工作人员 · 青云街道" in html
        assert '<span class="stat-number">2</span> <span class="stat-label">未读通知' in html
        # Overdue is said in words, not only in red.
        assert "超期</span> 已超期" in html
        assert 'aria-current="page">我的工作台' in html

    def test_filters(self, client, tree, make_person):
        staff = make_person("township_staff", tree.township)
        kw = {"unit": tree.community, "awaiting_roles": ["township_staff"]}
        standin_instance(
            title="诉求甲", process="sample_voice", deadline_at=end_of(dt.date(2020, 1, 2)), **kw
        )
        standin_instance(title="诉求乙", process="sample_voice", **kw)
        standin_instance(title="议题丙", process="sample_topic", **kw)
        client.force_login(staff)
        url = reverse("core:workbench")
        html = client.get(url, {"process": "sample_topic"}).content.decode()
        assert "议题丙" in html and "诉求甲" not in html and "诉求乙" not in html
        html = client.get(url, {"overdue": "1"}).content.decode()
        assert "诉求甲" in html and "诉求乙" not in html and "议题丙" not in html

    @pytest.mark.parametrize("rows", [1, 6])
    def test_page_queries_constant(self, client, tree, make_person, system, django_assert_num_queries, rows):
        staff = make_person("township_staff", tree.township)
        do_grant_role(staff, "deputy", tree.district, actor=system)
        for i in range(rows):
            standin_instance(
                title=f"事项{i}",
                unit=tree.community,
                awaiting_roles=["township_staff"],
                process=f"sample_p{i % 3}",
                deadline_at=end_of(dt.date(2025, 11, 20)),
            )
        client.force_login(staff)
        # session, person, grants, process list, instances, unread count
        with django_assert_num_queries(6):
            response = client.get(reverse("core:workbench"))
        assert response.status_code == 200
