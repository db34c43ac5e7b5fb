"""The `minyi` command, through click's CliRunner. Servers are not started: their wiring is checked."""

from __future__ import annotations

import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from minyi import cli as cli_module
from minyi.cli import cli
from minyi.core.models import Event, Person, RoleGrant, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def management_calls(monkeypatch) -> list[tuple[str, dict[str, object]]]:  # type: ignore[no-untyped-def]
    calls: list[tuple[str, dict[str, object]]] = []

    def fake_call_command(name: str, *args: object, **options: object) -> None:
        calls.append((name, options))

    monkeypatch.setattr("django.core.management.call_command", fake_call_command)
    return calls


def test_migrate_calls_django_migrate(runner, management_calls) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert management_calls == [("migrate", {"interactive": False, "verbosity": 1})]


def test_worker_runs_the_huey_consumer(runner, management_calls) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(cli, ["worker", "--workers", "3"]).exit_code == 0
    assert management_calls == [("run_huey", {"workers": 3})]


def test_serve_runs_waitress_with_options(runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    served: dict[str, object] = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.update(app=app, **kw))
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "9001", "--threads", "3"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"], served["threads"]) == ("0.0.0.0", 9001, 3)
    assert callable(served["app"])


def test_demo_wires_prepare_worker_and_server_and_stops_the_worker_on_ctrl_c(runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    steps: list[object] = []
    worker = object()
    monkeypatch.setattr(cli_module, "prepare_demo", lambda seed: steps.append(("prepare", seed)))
    monkeypatch.setattr(cli_module, "start_worker_process", lambda: steps.append("worker") or worker)

    def server(host: str, port: int, threads: int) -> None:
        steps.append(("serve", host, port))
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "run_web_server", server)
    monkeypatch.setattr(cli_module, "stop_process", lambda process: steps.append(("stop", process is worker)))
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert steps == [("prepare", 2026), "worker", ("serve", "127.0.0.1", 8000), ("stop", True)]
    assert "minyi-demo-2026" in result.output and "admin" in result.output


def test_prepare_demo_loads_once_and_collects_static(management_calls) -> None:  # type: ignore[no-untyped-def]
    assert cli_module.prepare_demo(2026) is True
    assert Unit.objects.filter(code="990100").exists()
    count = Unit.objects.count()
    assert cli_module.prepare_demo(2026) is False  # not empty any more: nothing is added
    assert Unit.objects.count() == count
    assert [name for name, _ in management_calls] == ["migrate", "collectstatic"] * 2


def test_worker_process_is_this_cli_and_stops_on_sigint() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    cli_module.stop_process(process)
    assert process.returncode is not None
    calls: list[list[str]] = []

    class FakePopen:
        def __init__(self, args: list[str], env: dict[str, str]) -> None:
            calls.append(args)

    original = subprocess.Popen
    subprocess.Popen = FakePopen  # type: ignore[misc, assignment]
    try:
        cli_module.start_worker_process()
    finally:
        subprocess.Popen = original  # type: ignore[misc]
    assert calls == [[sys.executable, "-m", "minyi.cli", "worker"]]


def test_seed_creates_a_synthetic_city(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["seed", "--units", "120", "--people", "15", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "已生成 120 个单位、15 人" in result.output
    assert Unit.objects.count() == 120 and Person.objects.count() == 15
    assert Event.objects.filter(action="core.unit.create").count() == 120
    assert runner.invoke(cli, ["seed", "--units", "0"]).exit_code == 2


@dataclass
class FakeReport:
    ok: bool


@pytest.mark.parametrize(("ok", "code"), [(True, 0), (False, 1)])
def test_audit_verify_prints_report_and_exit_code(runner, monkeypatch, ok, code) -> None:  # type: ignore[no-untyped-def]
    fake = types.ModuleType("minyi.core.record.verify")
    fake.verify_record = lambda: FakeReport(ok=ok)  # type: ignore[attr-defined]
    fake.render_report = lambda report: "记录完整" if report.ok else "链 core.unit:1 第 2 条被篡改"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "minyi.core.record.verify", fake)
    import minyi.core.record

    monkeypatch.setattr(minyi.core.record, "verify", fake, raising=False)
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == code
    assert ("记录完整" if ok else "被篡改") in result.output


def test_import_units_from_csv(runner, tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.csv"
    path.write_text(
        "编码,名称,类别,上级编码\n990101009001,新桥社区,社区,990101009\n990101009,新桥街道,街道,990101\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["import", "units", str(path)])
    assert result.exit_code == 0, result.output
    assert "已导入 2 个单位" in result.output
    assert Unit.objects.get(code="990101009001").get_parent().code == "990101009"


def test_import_units_reports_row_errors_and_imports_nothing(runner, tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "units.csv"
    path.write_text(
        "编码,名称,类别,上级编码\n990101009,新桥街道,街道,990101\n990101009001,新桥社区,社区,NOPE\n",
        encoding="utf-8",
    )
    count = Unit.objects.count()
    result = runner.invoke(cli, ["import", "units", str(path)])
    assert result.exit_code == 1
    assert "第 3 行：上级编码 NOPE 不存在" in result.output
    assert Unit.objects.count() == count


def test_import_units_as_an_admin_records_that_person(runner, tree, make_person, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.city)
    path = tmp_path / "units.csv"
    path.write_text("编码,名称,类别,上级编码\n990101010,东湖街道,街道,990101\n", encoding="utf-8")
    assert runner.invoke(cli, ["import", "units", str(path), "--as", admin.username]).exit_code == 0
    event = Event.objects.get(
        action="core.unit.create", subject_id=str(Unit.objects.get(code="990101010").pk)
    )
    assert (event.actor_id, event.actor_role) == (admin.pk, "admin")
    resident = make_person("resident", tree.community)
    result = runner.invoke(cli, ["import", "units", str(path), "--as", resident.username])
    assert result.exit_code == 1 and "没有系统管理员角色" in result.output


def test_createadmin_with_flags_grants_admin_on_the_root(runner, tree) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        cli,
        [
            "createadmin",
            "--username",
            "chief",
            "--name",
            "李建国",
            "--phone",
            "13900001111",
            "--password",
            "Minyi-strong-2026",
        ],
    )
    assert result.exit_code == 0, result.output
    chief = Person.objects.get(username="chief")
    assert chief.check_password("Minyi-strong-2026") and chief.name == "李建国"
    assert RoleGrant.objects.active().filter(person=chief, role="admin", unit=tree.city).exists()
    assert Event.objects.filter(action="core.person.create", subject_id=str(chief.pk)).exists()
    assert Event.objects.filter(action="core.role.grant", subject_id=str(chief.pk), unit=tree.city).exists()


def test_createadmin_interactive(runner, tree) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        cli,
        ["createadmin", "--unit", tree.district.code],
        input="chief2\n王芳\nMinyi-strong-2026\nMinyi-strong-2026\n",
    )
    assert result.exit_code == 0, result.output
    assert RoleGrant.objects.filter(person__username="chief2", role="admin", unit=tree.district).exists()


def test_createadmin_refusals_write_nothing(runner, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person(None, None)  # takes the username user1
    events = Event.objects.count()
    for args, message in [
        (["--username", "user1", "--name", "甲", "--password", "Minyi-strong-2026"], "已被使用"),
        (["--username", "x", "--name", "甲", "--password", "12345678"], ""),
        (["--username", "x", "--name", "甲", "--password", "Minyi-strong-2026", "--phone", "12"], "手机号码"),
        (["--username", "x", "--name", "甲", "--password", "Minyi-strong-2026", "--unit", "nope"], "不存在"),
    ]:
        result = runner.invoke(cli, ["createadmin", *args])
        assert result.exit_code == 1 and message in result.output
    assert Event.objects.count() == events
    assert not Person.objects.filter(username="x").exists()


def test_createadmin_needs_a_unit(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        cli, ["createadmin", "--username", "x", "--name", "甲", "--password", "Minyi-strong-2026"]
    )
    assert result.exit_code == 1 and "还没有任何单位" in result.output


def test_main_sets_settings_module_and_var_dir(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    monkeypatch.delenv("MINYI_VAR_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "cli", lambda: None)
    cli_module.main()
    assert os.environ["MINYI_VAR_DIR"] == str(Path(tmp_path) / "var")
    monkeypatch.delenv("MINYI_VAR_DIR")

    # The settings module is a default: an explicit one (here pytest's) is kept.
    kept = os.environ["DJANGO_SETTINGS_MODULE"]
    cli_module.setup_django()
    assert os.environ["DJANGO_SETTINGS_MODULE"] == kept
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    cli_module.setup_django()
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "minyi.config.settings"
