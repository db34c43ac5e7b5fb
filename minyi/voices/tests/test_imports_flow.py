"""Bulk import of hotline and chat exports: preview, error report, all-or-nothing, valid-only, re-import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Event, ProcessInstance
from minyi.voices.actions.imports import do_confirm_import, do_create_import, run_import
from minyi.voices.models import ImportBatch, ImportStatus, Voice
from minyi.voices.tests.open311_support import make_categories

HOTLINE_HEADER = [
    "工单编号",
    "来电时间",
    "来电人",
    "联系电话",
    "诉求内容",
    "所属社区/街道",
    "诉求类别",
    "渠道",
]
HOTLINE_ROWS = [
    [
        "GD20260301001",
        "2026-03-01 09:30",
        "王五",
        "13800001111",
        "金沙社区路灯不亮",
        "金沙社区",
        "道路交通",
        "12345",
    ],
    [
        "GD20260301002",
        "2026/03/01 10:05",
        "赵六",
        "028-85551234",
        "楼下烧烤噪声很大",
        "青云街道",
        "噪声扰民",
        "12345",
    ],
    ["GD20260301003", "2026-03-01 11:00", "孙七", "", "井盖缺失", "青云街道金沙社区", "道路", "12345"],
]
BAD_ROWS = [
    ["GD20260301004", "明天上午", "钱八", "abc", "", "火星社区", "道路交通", "12345"],
    [
        "GD20260301005",
        "2026-03-01 12:00",
        "周九",
        "13800002222",
        "白沙社区垃圾堆放",
        "白沙社区",
        "道路交通",
        "12345",
    ],
]
CHAT_HEADER = ["群名", "发言人", "时间", "内容"]
CHAT_ROWS = [
    ["金沙社区居民群", "幸福一家", "2026-03-02 08:00", "3栋电梯又坏了"],
    ["金沙社区居民群", "老李", "2026-03-02 08:05", "小区门口停车太乱"],
]


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(",".join(row) for row in rows).encode(encoding)


@pytest.fixture
def ctx(tree: Any, make_person: Any) -> dict[str, Any]:
    roads, noise = make_categories()
    operator = make_person("hotline_operator", tree.district, name="话务员")
    return {
        "tree": tree,
        "roads": roads,
        "noise": noise,
        "operator": operator,
        "actor": Actor(person=operator),
    }


def upload(ctx: dict[str, Any], name: str, data: bytes, **kwargs: Any) -> ImportBatch:
    return do_create_import(name, data, actor=ctx["actor"], **kwargs)


def test_hotline_xlsx_preview_then_import(ctx: dict[str, Any]) -> None:
    batch = upload(ctx, "热线.xlsx", xlsx([HOTLINE_HEADER, *HOTLINE_ROWS]))
    assert batch.source == "hotline"
    assert batch.columns["工单编号"] == "ticket" and batch.columns["所属社区/街道"] == "unit"
    assert (batch.total_rows, batch.valid_rows, batch.errors) == (3, 3, [])
    assert not Voice.objects.exists()  # the preview imports nothing
    do_confirm_import(batch, actor=ctx["actor"])
    batch = run_import(batch.pk)
    assert (batch.status, batch.created_count, batch.processed_rows) == (ImportStatus.DONE, 3, 3)
    voices = {v.external_ref: v for v in Voice.objects.select_related("channel", "unit", "category")}
    first = voices["hotline:GD20260301001"]
    assert first.channel.code == "hotline" and first.unit == ctx["tree"].community
    assert (first.contact_name, first.contact_phone) == ("王五", "13800001111")
    assert voices["hotline:GD20260301002"].unit == ctx["tree"].township
    assert voices["hotline:GD20260301002"].category == ctx["noise"]
    assert voices["hotline:GD20260301003"].unit == ctx["tree"].community
    assert voices["hotline:GD20260301003"].category == ctx["roads"]  # "道路" → 道路交通
    for voice in voices.values():
        event = Event.objects.get(
            subject_type="voices.voice", subject_id=str(voice.pk), action="voices.voice.register"
        )
        assert event.data["channel"] == "hotline" and event.data["import_batch"] == batch.pk
        assert event.actor_role == "hotline_operator" and event.actor_unit == ctx["tree"].district
        assert ProcessInstance.objects.filter(
            process="voice", subject_id=str(voice.pk), state="registered"
        ).exists()
    assert Event.objects.filter(action="voices.import.finish", subject_id=str(batch.pk)).exists()


def test_chat_csv_import_gb18030(ctx: dict[str, Any]) -> None:
    batch = upload(
        ctx, "群聊.csv", csv_bytes([CHAT_HEADER, *CHAT_ROWS], "gb18030"), default_category=ctx["roads"]
    )
    assert batch.source == "chat" and batch.valid_rows == 2, batch.errors
    do_confirm_import(batch, actor=ctx["actor"])
    assert run_import(batch.pk).created_count == 2
    voice = Voice.objects.select_related("channel").order_by("id").first()
    assert voice is not None and voice.channel.code == "chat_import"
    assert voice.unit == ctx["tree"].community and voice.contact_name == "幸福一家"
    assert voice.external_ref is not None and voice.external_ref.startswith("chat:")


def test_bad_rows_are_reported_and_nothing_imported(ctx: dict[str, Any]) -> None:
    batch = upload(ctx, "热线.csv", csv_bytes([HOTLINE_HEADER, *HOTLINE_ROWS, *BAD_ROWS]))
    assert (batch.total_rows, batch.valid_rows) == (5, 3)
    problems = {(e["row"], e["column"]) for e in batch.errors}
    assert {(5, "时间"), (5, "联系电话"), (5, "内容"), (5, "所属社区/街道"), (6, "所属社区/街道")} <= problems
    out_of_scope = next(e for e in batch.errors if e["row"] == 6)
    assert "不在您的管辖范围内" in out_of_scope["problem"]
    with pytest.raises(ActionError) as refused:
        do_confirm_import(batch, actor=ctx["actor"])
    assert refused.value.code == "import_has_invalid_rows" and "只导入有效行" in refused.value.message
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and not Voice.objects.exists()


def test_valid_only_imports_the_good_rows(ctx: dict[str, Any]) -> None:
    batch = upload(ctx, "热线.xlsx", xlsx([HOTLINE_HEADER, *BAD_ROWS, *HOTLINE_ROWS]))
    do_confirm_import(batch, actor=ctx["actor"], valid_only=True)
    batch = run_import(batch.pk)
    assert batch.created_count == 3 and batch.valid_only
    assert set(Voice.objects.values_list("external_ref", flat=True)) == {
        "hotline:GD20260301001",
        "hotline:GD20260301002",
        "hotline:GD20260301003",
    }
    with pytest.raises(Conflict):
        do_confirm_import(batch, actor=ctx["actor"], valid_only=True)


def test_reimport_creates_no_duplicates(ctx: dict[str, Any]) -> None:
    data = xlsx([HOTLINE_HEADER, *HOTLINE_ROWS])
    first = upload(ctx, "热线.xlsx", data)
    do_confirm_import(first, actor=ctx["actor"])
    run_import(first.pk)
    again = upload(ctx, "热线-再次.xlsx", data)
    assert all(row["skip"] == "已导入过" for row in again.rows)
    do_confirm_import(again, actor=ctx["actor"])
    again = run_import(again.pk)
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert Voice.objects.count() == 3


def test_duplicate_rows_in_one_file_import_once(ctx: dict[str, Any]) -> None:
    batch = upload(
        ctx, "群聊.csv", csv_bytes([CHAT_HEADER, CHAT_ROWS[0], CHAT_ROWS[0]]), default_category=ctx["roads"]
    )
    assert batch.rows[1]["skip"] == "与第 2 行重复"
    do_confirm_import(batch, actor=ctx["actor"])
    assert run_import(batch.pk).created_count == 1


@pytest.mark.parametrize(
    ("name", "data", "mentions"),
    [
        ("x.txt", b"hello", ".xlsx"),
        ("x.xlsx", b"not a zip", ".xlsx"),
        ("x.csv", "姓名,电话\n张三,1\n".encode(), "诉求内容"),
        ("x.csv", ",".join(HOTLINE_HEADER).encode(), "没有数据行"),
        ("x.csv", b"", "\u7a7a"),
    ],
)
def test_unreadable_files_are_refused(ctx: dict[str, Any], name: str, data: bytes, mentions: str) -> None:
    with pytest.raises(ActionError) as refused:
        upload(ctx, name, data)
    assert mentions in refused.value.message
    assert not ImportBatch.objects.exists()


def test_roles_and_scope(ctx: dict[str, Any], make_person: Any) -> None:
    tree = ctx["tree"]
    resident = make_person("resident", tree.community)
    with pytest.raises(NotPermitted):
        do_create_import("热线.csv", csv_bytes([HOTLINE_HEADER, *HOTLINE_ROWS]), actor=Actor(person=resident))
    township = make_person("township_staff", tree.township)
    batch = do_create_import(
        "热线.csv", csv_bytes([HOTLINE_HEADER, *HOTLINE_ROWS, BAD_ROWS[1]]), actor=Actor(person=township)
    )
    assert batch.valid_rows == 3  # 白沙社区 lies in another district
    with pytest.raises(ActionError):
        do_create_import(
            "热线.csv",
            csv_bytes([HOTLINE_HEADER, *HOTLINE_ROWS]),
            actor=Actor(person=township),
            default_unit=tree.other_community,
        )
    with pytest.raises(NotPermitted):
        do_confirm_import(batch, actor=ctx["actor"])  # someone else's upload


# ---- pages ---------------------------------------------------------------------------------------


def login(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_pages_upload_preview_confirm_progress(ctx: dict[str, Any]) -> None:
    client = login(ctx["operator"])
    assert client.get("/voices/import/").status_code == 200
    data = xlsx([HOTLINE_HEADER, *HOTLINE_ROWS, *BAD_ROWS])
    response = client.post("/voices/import/", {"file": SimpleUploadedFile("热线.xlsx", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "工单编号 → 工单编号" in page and "第 5 行" in page and "只导入有效行" in page
    refused = client.post(f"/voices/import/{batch.pk}/confirm/", follow=True)
    assert "未导入任何数据" in refused.content.decode() and not Voice.objects.exists()
    done = client.post(f"/voices/import/{batch.pk}/confirm/", {"valid_only": "1"}, follow=True)
    assert done.status_code == 200 and Voice.objects.count() == 3  # Huey runs immediately in tests
    fragment = client.get(f"/voices/import/{batch.pk}/progress/").content.decode()
    assert "100%" in fragment and "hx-trigger" not in fragment


def test_progress_fragment_polls_while_running(ctx: dict[str, Any]) -> None:
    batch = upload(ctx, "热线.xlsx", xlsx([HOTLINE_HEADER, *HOTLINE_ROWS]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, processed_rows=1)
    fragment = login(ctx["operator"]).get(f"/voices/import/{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "33%" in fragment


def test_pages_refuse_wrong_people(ctx: dict[str, Any], make_person: Any) -> None:
    resident = make_person("resident", ctx["tree"].community)
    assert login(resident).get("/voices/import/").status_code == 403
    assert Client().get("/voices/import/").status_code == 302  # to the login page
    batch = upload(ctx, "热线.xlsx", xlsx([HOTLINE_HEADER, *HOTLINE_ROWS]))
    other = make_person("district_staff", ctx["tree"].district)
    assert login(other).get(f"/voices/import/{batch.pk}/").status_code == 404


def test_upload_page_shows_file_errors(ctx: dict[str, Any]) -> None:
    response = login(ctx["operator"]).post("/voices/import/", {"file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 400 and "只支持" in response.content.decode()
