"""Validation of process files: every kind of mistake is named with its file and line."""

from __future__ import annotations

import re
import textwrap

import pytest

from minyi.core.engine import registry
from minyi.core.engine.definitions import ProcessDefinitionError
from minyi.core.engine.registry import ensure_stored, get_definition, load_definition_file, sync_definitions
from minyi.core.models import ProcessDefinitionVersion
from minyi.core.tests.engine_support import REVIEW_YAML, review_definition

BASE = """\
name: sample
version: 1
title: {zh: 样例, en: Sample}
initial: open
states:
  open:
    title: {zh: 办理中, en: Open}
    deadline: {days: 3, calendar: working}
  done:
    title: {zh: 办结, en: Done}
    final: true
transitions:
  finish:
    title: {zh: 办结, en: Finish}
    from: [open]
    to: done
    roles: [township_staff]
"""


def load(tmp_path, text: str, name: str = "sample.yaml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_definition_file(path)


def error_of(tmp_path, text: str) -> ProcessDefinitionError:  # type: ignore[no-untyped-def]
    with pytest.raises(ProcessDefinitionError) as caught:
        load(tmp_path, text)
    return caught.value


def test_valid_file_loads(tmp_path) -> None:
    definition = load(tmp_path, BASE)
    assert definition.name == "sample" and definition.version == 1
    assert definition.awaiting_roles("open") == ("township_staff",)
    assert definition.awaiting_roles("done") == ()
    assert definition.states["open"].deadline.days == 3


def test_reference_process_is_valid() -> None:
    definition = registry.current_definition("role_request")
    assert definition.awaiting_roles("pending") == ("admin", "submitter")
    assert [step.kind for step in definition.states["pending"].overdue] == ["remind", "escalate", "remind"]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "roles: [township_staff]",
            "roles: [township_staff, foo]",
            17,
            "unknown role 'foo' in transition 'finish'",
        ),
        ("to: done", "to: nowhere", 13, "unknown state 'nowhere' in 'to' of transition 'finish'"),
        ("from: [open]", "from: [open, limbo]", 13, "unknown state 'limbo' in 'from'"),
        ("initial: open", "initial: limbo", 4, "unknown state 'limbo' as initial state"),
        ("days: 3, calendar: working", "days: 0, calendar: working", 8, "bad deadline of state 'open'"),
        ("days: 3, calendar: working", "days: -2", 8, "days must be a positive whole number"),
        ("days: 3, calendar: working", "days: 3, calendar: lunar", 8, "unknown calendar kind 'lunar'"),
        (
            "    roles: [township_staff]\n",
            "    roles: [township_staff]\n    inputs:\n      size: {type: colour}\n",
            19,
            "unknown input type 'colour' for input 'size'",
        ),
        (
            "  finish:\n",
            "  finish:\n    title: {zh: 再次, en: Again}\n    from: [open]\n    to: done\n"
            "    roles: [admin]\n  finish:\n",
            18,
            "duplicate name 'finish'",
        ),
        (
            "    deadline: {days: 3, calendar: working}\n",
            "    deadline: {days: 3, calendar: working}\n  open:\n    title: {zh: x, en: x}\n",
            9,
            "duplicate name 'open'",
        ),
        (
            "    final: true\n",
            "    final: true\n    colour: red\n",
            12,
            "unknown key 'colour' in state 'done'",
        ),
        ("name: sample", "name: Sample-1", 1, "process name 'Sample-1'"),
        ("version: 1", "version: 0", 2, "version must be a positive whole number"),
        ("  finish:\n", "  override:\n", 13, "transition name 'override' is reserved"),
    ],
)
def test_each_mistake_names_file_and_line(tmp_path, old: str, new: str, line: int, message: str) -> None:
    assert old in BASE
    error = error_of(tmp_path, BASE.replace(old, new, 1))
    text = str(error)
    assert re.search(rf"sample\.yaml:{line}: ", text), text
    assert message in text
    assert error.line == line


def test_unreachable_state(tmp_path) -> None:
    text = BASE + "  # nothing leads to archived\n"
    text = text.replace(
        "states:\n", "states:\n  archived:\n    title: {zh: 归档, en: Archived}\n    final: true\n"
    )
    error = error_of(tmp_path, text)
    assert "sample.yaml:6: unreachable state 'archived'" in str(error)


def test_dead_end_state(tmp_path) -> None:
    text = BASE.replace("  done:\n", "  stuck:\n    title: {zh: 卡住, en: Stuck}\n  done:\n")
    text = text.replace("to: done", "to: stuck")
    text += "  close:\n    title: {zh: 关, en: Close}\n    from: [open]\n    to: done\n    roles: [admin]\n"
    error = error_of(tmp_path, text)
    assert "sample.yaml:9: dead end: state 'stuck' is not final and has no way out" in str(error)


def test_final_state_with_outgoing_transition(tmp_path) -> None:
    text = (
        BASE
        + "  reopen:\n    title: {zh: 重开, en: Reopen}\n    from: [done]\n    to: open\n    roles: [admin]\n"
    )
    error = error_of(tmp_path, text)
    assert "sample.yaml:18: final state 'done' has an outgoing transition 'reopen'" in str(error)


def test_final_state_with_deadline(tmp_path) -> None:
    text = BASE.replace("    final: true\n", "    final: true\n    deadline: {days: 1}\n")
    assert "sample.yaml:9: final state 'done' cannot have a deadline" in str(error_of(tmp_path, text))


def test_overdue_step_problems(tmp_path) -> None:
    with_overdue = BASE.replace(
        "    deadline: {days: 3, calendar: working}\n",
        "    deadline: {days: 3, calendar: working}\n    overdue:\n      - remind: {}\n"
        "      - escalate: {to_unit: galaxy}\n",
    )
    assert "sample.yaml:11: escalate to_unit must be 'parent' or a unit kind" in str(
        error_of(tmp_path, with_overdue)
    )
    bad_role = with_overdue.replace("to_unit: galaxy", "to_role: wizard")
    assert "sample.yaml:11: unknown role 'wizard' in escalate" in str(error_of(tmp_path, bad_role))
    bad_state = with_overdue.replace("escalate: {to_unit: galaxy}", "transition: {to: moon}")
    assert "sample.yaml:11: unknown state 'moon' in overdue transition" in str(error_of(tmp_path, bad_state))
    two_kinds = with_overdue.replace("- remind: {}", "- remind: {}\n        transition: {to: done}")
    assert "sample.yaml:10: each overdue step" in str(error_of(tmp_path, two_kinds))
    bad_after = with_overdue.replace(
        "escalate: {to_unit: galaxy}", "escalate: {to_unit: parent}\n        after: {days: 0}"
    )
    assert "sample.yaml:12: bad 'after'" in str(error_of(tmp_path, bad_after))


def test_overdue_transition_counts_as_a_way_out(tmp_path) -> None:
    text = BASE.replace(
        "  done:\n",
        "  waiting:\n    title: {zh: 等待, en: Waiting}\n    deadline: {days: 1}\n"
        "    overdue:\n      - transition: {to: done}\n  done:\n",
    ).replace("    to: done", "    to: waiting")
    definition = load(tmp_path, text)
    assert definition.awaiting_roles("waiting") == ()


def test_invalid_yaml_names_line(tmp_path) -> None:
    error = error_of(tmp_path, BASE.replace("initial: open", "initial: [open"))
    assert re.search(r"sample\.yaml:\d+: not valid YAML", str(error))


def test_duplicate_process_across_files(tmp_path, settings, monkeypatch) -> None:
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(BASE, encoding="utf-8")
    monkeypatch.setattr(registry, "definition_files", lambda: [tmp_path / "a.yaml", tmp_path / "b.yaml"])
    with pytest.raises(ProcessDefinitionError, match=r"b\.yaml:1: duplicate name: process 'sample'"):
        registry.load_all_definitions()


def test_load_all_definitions_does_not_touch_the_database(django_assert_num_queries, db) -> None:
    with django_assert_num_queries(0):
        found = registry.load_all_definitions()
    assert "role_request" in found


@pytest.mark.django_db
def test_stored_version_with_other_content_must_be_bumped() -> None:
    definition = review_definition()
    assert ensure_stored(definition) is True
    assert ensure_stored(definition) is False
    changed = review_definition(REVIEW_YAML.replace("测试审核", "测试审核（改）"))
    with pytest.raises(ProcessDefinitionError) as caught:
        ensure_stored(changed)
    assert "tests/test_review.yaml:2: process 'test_review' version 1 is already stored" in str(caught.value)
    assert "bump the version" in str(caught.value)
    bumped = review_definition(
        REVIEW_YAML.replace("version: 1", "version: 2").replace("测试审核", "测试审核二")
    )
    assert ensure_stored(bumped) is True
    assert ProcessDefinitionVersion.objects.filter(name="test_review").count() == 2


@pytest.mark.django_db
def test_old_version_loads_from_its_stored_source() -> None:
    ensure_stored(review_definition())
    registry._versions.pop(("test_review", 1), None)
    definition = get_definition("test_review", 1)
    assert definition.title.zh == "测试审核" and definition.source_path == "tests/test_review.yaml@v1"
    registry._versions.pop(("test_review", 1), None)


@pytest.mark.django_db
def test_sync_definitions_stores_each_version_once() -> None:
    stored = sync_definitions()
    assert "role_request" in {definition.name for definition in stored}
    assert sync_definitions() == []
    row = ProcessDefinitionVersion.objects.get(name="role_request", version=1)
    assert row.digest == registry.current_definition("role_request").digest
