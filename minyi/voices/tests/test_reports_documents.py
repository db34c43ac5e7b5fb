"""The three Wuhou forms (.docx) and the ledger (.xlsx), opened with python-docx / openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.voices.models import Voice
from minyi.voices.tests.reports_support import add_co_handler, at, feedback, frozen, make_voice, reply, step

NOW = at(2026, 3, 31, 12)


def _docx(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return Document(io.BytesIO(response.content))


def _table_cells(table) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.text for row in table.rows for cell in row.cells]


def _cells(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for table in document.tables for text in _table_cells(table)]


def _text(document) -> str:  # type: ignore[no-untyped-def]
    return "\n".join([p.text for p in document.paragraphs] + _cells(document))


@pytest.fixture
def handled(tree, make_person):  # type: ignore[no-untyped-def]
    """A hotline item handled by the community, escalated, assigned to a department with a co-handler, replied and rated."""
    registrar = make_person("hotline_operator", tree.district, name="李登记")
    community = make_person("community_staff", tree.community, name="赵社区")
    township = make_person("township_staff", tree.township, name="钱街道")
    district = make_person("district_staff", tree.district, name="孙区级")
    handler = make_person("department_handler", tree.department, name="周承办")
    voice = make_voice(
        tree.community,
        at(2026, 3, 2),
        registered_by=registrar,
        content="3栋路灯坏了，电话13812345678，请尽快修。",
    )
    step(voice, "accept", at(2026, 3, 3), actor=Actor(community, "community_staff", tree.community))
    step(
        voice,
        "escalate_to_township",
        at(2026, 3, 4),
        actor=Actor(community, "community_staff", tree.community),
        reason="需要街道协调供电所",
        move_to=tree.township,
    )
    step(
        voice,
        "escalate_to_district",
        at(2026, 3, 5),
        actor=Actor(township, "township_staff", tree.township),
        reason="涉及区住建局",
        move_to=tree.district,
    )
    add_co_handler(voice, tree.station, opinion="配合入户核实")
    step(
        voice,
        "assign",
        at(2026, 3, 6),
        actor=Actor(district, "district_staff", tree.district),
        inputs={"lead_department": tree.department.pk},
        move_to=tree.department,
        deadline_at=at(2026, 3, 27, 18),
    )
    reply(
        voice,
        at(2026, 3, 20),
        "resolved",
        "已更换灯具并恢复照明。",
        actor=Actor(handler, "department_handler", tree.department),
    )
    feedback(voice, at(2026, 3, 21), "basic", "修得还算及时。")
    voice.refresh_from_db()
    return {"voice": voice, "community": community, "handler": handler, "district": district}


def _get(client, person: Person, voice: Voice, form: str):  # type: ignore[no-untyped-def]
    client.force_login(person)
    return client.get(f"/voices/{voice.pk}/forms/{form}.docx")


class TestForms:
    def test_registration_form_for_a_handler_shows_contact(self, client, handled) -> None:  # type: ignore[no-untyped-def]
        voice = handled["voice"]
        document = _docx(_get(client, handled["community"], voice, "registration"))
        assert document.paragraphs[0].text == "民情收集登记表"
        assert document.paragraphs[0].alignment == 1  # centred
        title_run = document.paragraphs[0].runs[0]
        assert title_run.font.name == "黑体" and title_run.bold
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
        table = document.tables[0]
        assert table.style.name == "Table Grid"
        labels = [row.cells[0].text for row in table.rows]
        assert labels == ["编号", "受理渠道", "反映人", "所属单位", "标题", "反映内容", "地点", "登记人"]
        cells = _cells(document)
        for expected in (
            voice.tracking_code,
            "2026年3月2日 09:00",
            "12345热线",
            "道路交通",
            "王小明",
            "13812345678",
            "示范市东城区青云街道金沙社区",
            "路灯不亮",
            "13812345678，请尽快修",
            "李登记",
        ):
            assert any(expected in c for c in cells), expected
        assert "登记人（签字）" in document.paragraphs[-1].text

    def test_readers_without_contact_permission_see_masks(self, client, tree, make_person, handled) -> None:  # type: ignore[no-untyped-def]
        leader = make_person("leader", tree.district, name="吴领导")
        text = _text(_docx(_get(client, leader, handled["voice"], "registration")))
        assert "王小明" not in text and "王**" in text
        assert "13812345678" not in text and "138****5678" in text

    def test_handling_form_lists_every_step(self, client, handled) -> None:  # type: ignore[no-untyped-def]
        document = _docx(_get(client, handled["district"], handled["voice"], "handling"))
        assert document.paragraphs[0].text == "民情办理登记表"
        header = _table_cells(document.tables[0])
        assert "东城区住房和城乡建设局" in header and "青云街道人大代表联络站" in header
        steps = document.tables[1]
        assert [c.text for c in steps.rows[0].cells] == ["时间", "单位", "办理人", "办理环节", "办理意见"]
        actions = [row.cells[3].text for row in steps.rows[1:]]
        assert actions == ["登记", "受理", "上报街道（乡镇）", "上报区级", "交办部门", "答复", "评价"]
        escalation = steps.rows[3].cells
        assert escalation[0].text == "2026年3月4日 09:00"
        assert (escalation[1].text, escalation[2].text, escalation[4].text) == (
            "金沙社区",
            "赵社区",
            "需要街道协调供电所",
        )
        assert steps.rows[6].cells[4].text == "已更换灯具并恢复照明。"
        assert steps.rows[1].cells[2].text == "系统"
        assert "配合入户核实" in _table_cells(document.tables[2])[1]

    def test_feedback_form(self, client, handled) -> None:  # type: ignore[no-untyped-def]
        document = _docx(_get(client, handled["handler"], handled["voice"], "feedback"))
        assert document.paragraphs[0].text == "办理情况反馈意见表"
        rows = {row.cells[0].text: row.cells[-1].text for row in document.tables[0].rows}
        assert rows["答复内容"] == "已更换灯具并恢复照明。"
        assert rows["办理结果"].startswith("☑已解决（落实）") and "☐已答复" in rows["办理结果"]
        assert "☑基本满意" in rows["满意度"] and "☐满意" in rows["满意度"]
        assert rows["评价意见"] == "修得还算及时。"
        assert rows["反馈时间"] == "2026年3月21日 09:00"
        assert "2026年3月20日 09:00" in _cells(document)

    def test_submitter_may_print_their_own(self, client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
        resident = make_person(name="钱居民")
        voice = make_voice(tree.community, at(2026, 3, 2), submitter=resident, contact_name="钱居民")
        text = _text(_docx(_get(client, resident, voice, "registration")))
        assert "钱居民" in text and "13812345678" in text

    def test_refusals(self, client, tree, make_person, handled) -> None:  # type: ignore[no-untyped-def]
        voice = handled["voice"]
        outsider = make_person("community_staff", tree.other_community)
        assert _get(client, outsider, voice, "registration").status_code == 403
        assert _get(client, make_person(name="路人"), voice, "handling").status_code == 403
        assert _get(client, handled["community"], voice, "nonsense").status_code == 404
        client.force_login(handled["community"])
        assert client.get("/voices/999999/forms/registration.docx").status_code == 404
        client.logout()
        assert client.get(f"/voices/{voice.pk}/forms/registration.docx").status_code == 302  # to login


def _sheet(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).active


class TestLedger:
    @pytest.fixture
    def ledger(self, tree, make_person, handled):  # type: ignore[no-untyped-def]
        overdue = make_voice(tree.community, at(2026, 3, 3), title="噪音扰民", category_code="noise")
        step(overdue, "accept", at(2026, 3, 3, 10))
        supervised = make_voice(tree.community, at(2026, 2, 10), title="停车难", channel_code="mailbox")
        Voice.objects.filter(pk=supervised.pk).update(is_supervised=True)
        make_voice(tree.other_community, at(2026, 3, 2), title="别区的事")
        return {"overdue": overdue, "supervised": supervised, **handled}

    def _get(self, client, person, **params):  # type: ignore[no-untyped-def]
        client.force_login(person)
        with frozen(NOW):
            return client.get("/voices/ledger.xlsx", params)

    def test_columns_types_and_layout(self, client, tree, make_person, ledger) -> None:  # type: ignore[no-untyped-def]
        staff = make_person("district_staff", tree.district)
        sheet = _sheet(self._get(client, staff))
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == (
            "编号",
            "登记时间",
            "渠道",
            "类别",
            "所属社区/街道",
            "标题",
            "内容摘要",
            "牵头单位",
            "协办单位",
            "当前状态",
            "办理时限",
            "是否超期",
            "答复时间",
            "办理结果",
            "满意度",
            "督办",
        )
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == "A1:P4"
        assert sheet.column_dimensions["F"].width == 28
        by_title = {r[5]: r for r in rows[1:]}
        assert set(by_title) == {"路灯不亮", "噪音扰民", "停车难"}  # not 别区的事
        done = by_title["路灯不亮"]
        assert done[1] == dt.datetime(2026, 3, 2, 9, 0)  # a real date, local time
        assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
        assert done[2:5] == ("12345热线", "道路交通", "青云街道 金沙社区")
        assert done[7:10] == ("东城区住房和城乡建设局", "青云街道人大代表联络站", "已办结")
        assert done[10] == dt.datetime(2026, 3, 27, 18, 0)
        assert done[11:] == (
            "否",
            dt.datetime(2026, 3, 20, 9, 0),
            "已解决（落实）",
            "基本满意",
            None,
        )  # empty cells are left empty
        late = by_title["噪音扰民"]
        assert (late[9], late[11]) == ("社区（站点）办理中", "超期未办")
        assert by_title["停车难"][15] == "是" and by_title["停车难"][9] == "待受理"

    def test_filters(self, client, tree, make_person, ledger) -> None:  # type: ignore[no-untyped-def]
        staff = make_person("district_staff", tree.district)

        def titles(**params):  # type: ignore[no-untyped-def]
            return sorted(
                r[5] for r in list(_sheet(self._get(client, staff, **params)).iter_rows(values_only=True))[1:]
            )

        assert titles(overdue="1") == sorted(
            ["噪音扰民", "停车难"]
        )  # 停车难 still awaits acceptance since February
        assert titles(supervised="1") == ["停车难"]
        assert titles(period="2026-03") == sorted(["噪音扰民", "路灯不亮"])
        assert titles(state="closed") == ["路灯不亮"]
        assert titles(department=str(tree.department.pk)) == ["路灯不亮"]
        assert titles(unit=str(tree.other_district.pk)) == []
        noise = ledger["overdue"].category_id
        assert titles(category=str(noise)) == ["噪音扰民"]
        assert titles(channel=str(ledger["supervised"].channel_id)) == ["停车难"]
        assert self._get(client, staff, period="2026-13").status_code == 400
        assert self._get(client, staff, unit="abc").status_code == 400

    def test_scope_and_permission(self, client, tree, make_person, ledger) -> None:  # type: ignore[no-untyped-def]
        handler = make_person("department_handler", tree.department)
        titles = [r[5] for r in list(_sheet(self._get(client, handler)).iter_rows(values_only=True))[1:]]
        assert titles == ["路灯不亮"]  # a department sees only what it leads or co-handles
        assert self._get(client, make_person(name="居民")).status_code == 403

    def test_query_count_constant(self, client, tree, make_person, ledger, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        staff = make_person("district_staff", tree.district)
        client.force_login(staff)
        with CaptureQueriesContext(connection) as first:
            _sheet(client.get("/voices/ledger.xlsx"))
        for day in range(5, 12):
            add_co_handler(make_voice(tree.community, at(2026, 3, day)), tree.station)
        with django_assert_num_queries(len(first.captured_queries)):
            sheet = _sheet(client.get("/voices/ledger.xlsx"))
        assert sheet.max_row == 1 + 3 + 7
