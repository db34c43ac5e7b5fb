"""The `minyi` command: run the demo, serve, work, migrate, seed, import, verify the record."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

DEFAULT_SETTINGS = "minyi.config.settings"
DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000
WORKER_STOP_SECONDS = 10


def setup_django() -> None:
    """Configure Django once; the settings module can be overridden by the environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django
    from django.apps import apps
    from django.conf import settings

    # Before setup: the SQLite database and the Huey queue (opened during setup) live in VAR_DIR.
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    if not apps.ready:
        django.setup()


def _actor_for(username: str | None):  # type: ignore[no-untyped-def]
    """The actor a command acts as: a named person in their admin role, or the platform itself."""
    from minyi.core.actors import Actor
    from minyi.core.models import Person, RoleGrant

    if not username:
        return Actor.system()
    person = Person.objects.filter(username=username).first()
    if person is None:
        raise click.ClickException(f"用户 {username} 不存在")
    grant = RoleGrant.objects.active().filter(person=person, role="admin").select_related("unit").first()
    if grant is None:
        raise click.ClickException(f"用户 {username} 没有系统管理员角色")
    return Actor(person=person, role="admin", unit=grant.unit)


@click.group()
def cli() -> None:
    """民意 Minyi —— 全过程人民民主参与平台。"""
    setup_django()


def migrate_and_install(verbosity: int = 1) -> None:
    """Migrate, then install what the platform needs in any database: the current version of every
    process definition (refusing a changed file whose version was not bumped) and the intake
    channels (O5). Both are idempotent and recorded."""
    from django.core.management import call_command

    from minyi.core.actions.channels import ensure_default_channels
    from minyi.core.actors import Actor
    from minyi.core.engine.registry import sync_definitions
    from minyi.voices.actions.categories import ensure_default_categories

    call_command("migrate", interactive=False, verbosity=verbosity)
    sync_definitions()
    ensure_default_channels(actor=Actor.system())
    ensure_default_categories(actor=Actor.system())


@cli.command()
def migrate() -> None:
    """Apply database migrations and install process definitions and intake channels."""
    migrate_and_install()


def prepare_demo(seed: int) -> bool:
    """Migrate, load the demo city into an empty database, collect static files. True when loaded now."""
    from django.core.management import call_command

    from minyi.core.demo.build import build_demo
    from minyi.core.models import Unit
    from minyi.deliberation.demo import build_demo_deliberation
    from minyi.projects.demo import build_demo_projects
    from minyi.voices.demo import build_demo_voices

    migrate_and_install(verbosity=0)
    loaded = False
    if not Unit.objects.exists():
        started = time.perf_counter()
        build_demo(seed, progress=True)
        build_demo_voices(seed)
        click.echo(f"已生成示范市及其民情事项（{time.perf_counter() - started:.1f} 秒）")
        started = time.perf_counter()
        build_demo_deliberation(seed)
        build_demo_projects(seed)
        click.echo(f"已生成议事、民生实事项目和村民自建（{time.perf_counter() - started:.1f} 秒）")
        loaded = True
    call_command("collectstatic", interactive=False, verbosity=0)
    return loaded


def print_demo_accounts() -> None:
    from minyi.core.demo.build import DEMO_ACCOUNTS, DEMO_PASSWORD
    from minyi.core.roles import role_label

    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.username:<12} {role_label(account.role)}")


def start_worker_process() -> subprocess.Popen[bytes]:
    """The Huey consumer as a child process, sharing this process's environment (settings, database)."""
    return subprocess.Popen([sys.executable, "-m", "minyi.cli", "worker"], env=os.environ.copy())


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask the child to finish its current task (SIGINT), then insist."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_web_server(host: str, port: int, threads: int) -> None:
    """Serve the WSGI application with waitress in this process until interrupted."""
    import waitress  # type: ignore[import-untyped]
    from django.core.wsgi import get_wsgi_application

    # Ctrl-C and `kill` both stop cleanly, even when started from a shell that ignores SIGINT in
    # background jobs; waitress ends its loop on KeyboardInterrupt and returns.
    previous = (
        signal.signal(signal.SIGINT, signal.default_int_handler),
        signal.signal(signal.SIGTERM, _interrupt),
    )
    try:
        waitress.serve(get_wsgi_application(), host=host, port=port, threads=threads)
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


@cli.command()
@click.option("--seed", default=None, type=int, help="示范数据的随机种子")
@click.option("--port", default=DEMO_PORT, show_default=True)
def demo(seed: int | None, port: int) -> None:
    """Migrate the embedded SQLite database, load the demo city, serve on 127.0.0.1 with a worker."""
    from minyi.core.demo.build import DEMO_SEED

    prepare_demo(DEMO_SEED if seed is None else seed)
    print_demo_accounts()
    click.echo(f"打开 http://{DEMO_HOST}:{port}/ ，按 Ctrl-C 停止。")
    worker = start_worker_process()
    try:
        run_web_server(DEMO_HOST, port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        stop_process(worker)
        click.echo("已停止。")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Web server only (waitress)."""
    with contextlib.suppress(KeyboardInterrupt):
        run_web_server(host, port, threads)


@cli.command()
@click.option("--workers", default=2, show_default=True, type=int)
def worker(workers: int) -> None:
    """Background worker (Huey consumer): deadline sweeps, reminders, reports."""
    from django.core.management import call_command

    call_command("run_huey", workers=workers)


@cli.command()
@click.option("--units", "unit_count", required=True, type=click.IntRange(min=1))
@click.option("--people", "people_count", default=0, type=click.IntRange(min=0))
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
def seed(unit_count: int, people_count: int, seed_value: int) -> None:
    """Create a synthetic jurisdiction of the chosen size (for benchmarks)."""
    from minyi.core.demo.seed import seed_jurisdiction

    result = seed_jurisdiction(unit_count, people_count, seed_value, progress=True)
    click.echo(
        f"已生成 {result.units} 个单位、{result.people} 人、{result.events} 条记录，"
        f"用时 {result.seconds:.1f} 秒（根单位编码 {result.root_code}）"
    )


@cli.group()
def audit() -> None:
    """The public record."""


@audit.command()
def verify() -> None:
    """Verify every hash chain and checkpoint of the public record; exit code 1 when anything is wrong."""
    from minyi.core.record import verify as verifier

    report = verifier.verify_record()
    click.echo(verifier.render_report(report))
    if not report.ok:
        sys.exit(1)


@cli.group(name="import")
def import_group() -> None:
    """Import data from spreadsheets."""


@import_group.command(name="units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None, help="以该系统管理员的身份导入（默认：平台）")
def import_units(file: Path, username: str | None) -> None:
    """Import units from a .csv or .xlsx file (编码, 名称, 类别, 上级编码, 地址, 电话)."""
    from tqdm import tqdm

    from minyi.core.actions.unit_import import do_import_units, read_unit_rows
    from minyi.core.errors import ActionError

    actor = _actor_for(username)
    try:
        total = len(read_unit_rows(file))
        with tqdm(total=total, desc="导入单位", unit="个") as bar:
            units = do_import_units(file, actor=actor, on_created=lambda _unit: bar.update(1))
    except ActionError as error:
        for row_error in error.details.get("errors", []):
            click.echo(f"第 {row_error['row']} 行：{row_error['message']}", err=True)
        if not error.details.get("errors"):
            click.echo(error.message, err=True)
        raise click.ClickException("未导入任何单位") from error
    click.echo(f"已导入 {len(units)} 个单位")


@cli.command()
@click.option("--username", prompt="用户名")
@click.option("--name", prompt="姓名")
@click.option("--phone", default="", help="手机号码")
@click.option("--password", prompt="密码", hide_input=True, confirmation_prompt=True)
@click.option("--unit", "unit_code", default=None, help="授予管理员角色的单位编码（默认：根单位）")
def createadmin(username: str, name: str, phone: str, password: str, unit_code: str | None) -> None:
    """Create a person and grant them the admin role on the root unit (recorded)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from minyi.core.actions.people import PersonInput, do_create_person
    from minyi.core.actions.roles import do_grant_role
    from minyi.core.actors import Actor
    from minyi.core.errors import ActionError
    from minyi.core.models import Unit

    unit = Unit.objects.filter(code=unit_code).first() if unit_code else Unit.get_first_root_node()
    if unit is None:
        raise click.ClickException(
            f"单位 {unit_code} 不存在" if unit_code else "还没有任何单位：请先导入单位或运行 minyi demo"
        )
    try:
        validate_password(password)
    except ValidationError as error:
        raise click.ClickException("；".join(error.messages)) from error
    system = Actor.system()
    try:
        with transaction.atomic():
            person = do_create_person(
                PersonInput(username=username, name=name, phone=phone, password=password), actor=system
            )
            do_grant_role(person, "admin", unit, actor=system, note="minyi createadmin")
    except ActionError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"已创建管理员 {person.username}（{person.name}），管理范围：{unit.name}")


def main() -> None:
    # The embedded database, static files and task queue live under ./var unless configured otherwise.
    os.environ.setdefault("MINYI_VAR_DIR", str(Path.cwd() / "var"))
    cli()


if __name__ == "__main__":
    main()
