"""Public projection of events and export/standalone verification of a trail."""

from __future__ import annotations

import json

from django.db import transaction

from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actions.units import do_rename_unit
from minyi.core.actors import Actor
from minyi.core.models import Event
from minyi.core.record import trail
from minyi.core.record.export import export_chain, verify_export
from minyi.core.record.public import public_event_view, public_events
from minyi.core.record.trail import ProblemKind
from minyi.core.record.write import record_event


def _record(actor, subject, data, reason=""):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return record_event(
            actor=actor,
            action="core.unit.rename",
            subject=subject,
            unit=subject,
            data=data,
            reason=reason,
            public=True,
        )


def test_resident_is_shown_as_role_and_unit_with_personal_data_masked(tree, make_person):
    resident = make_person("resident", tree.community, name="王小明")
    event = _record(
        Actor(resident, "resident", tree.community),
        tree.community,
        {
            "contact_name": "欧阳娜娜",
            "phone": "13812341234",
            "id_number": "110101199001011234",
            "address": "金沙社区3栋2单元401",
            "detail": {"note": "请回电13912345678"},
            "count": 3,
        },
        reason="本人王小明，电话13812341234",
    )
    view = public_event_view(event)
    assert view.actor_name == "" and "王小明" not in view.actor_label
    assert view.actor_label == "金沙社区 · 居民/群众"
    assert view.data == {
        "contact_name": "欧阳**",
        "phone": "138****1234",
        "id_number": "110101********1234",
        "address": "金沙社区****",
        "detail": {"note": "请回电139****5678"},
        "count": 3,
    }
    assert "13812341234" not in view.reason
    assert view.action_label == "单位更名" and view.unit_name == "金沙社区"
    assert (view.chain, view.seq, view.hash) == (event.chain, event.seq, event.hash)


def test_official_in_office_is_named(tree, make_person):
    staff = make_person("community_staff", tree.community, name="李四")
    deputy = make_person("deputy", tree.station, name="赵六")
    view = public_event_view(_record(Actor(staff, "community_staff", tree.community), tree.community, {}))
    assert view.actor_name == "李四" and view.actor_label == "金沙社区 · 社区（村）两委成员 李四"
    assert (
        public_event_view(_record(Actor(deputy, "deputy", tree.station), tree.community, {})).actor_name
        == "赵六"
    )
    operator = make_person("hotline_operator", tree.district, name="钱七")
    assert (
        public_event_view(
            _record(Actor(operator, "hotline_operator", tree.district), tree.community, {})
        ).actor_name
        == ""
    )


def test_system_actor_and_public_list_without_n_plus_one(tree, django_assert_num_queries):
    events = list(public_events())
    assert events and all(e.public for e in events)
    with django_assert_num_queries(1):
        views = [public_event_view(e) for e in public_events()]
    assert views[0].actor_label == "系统"


def test_export_verifies_on_its_own_and_redacts_private_events(tree, system):
    person = do_create_person(PersonInput(username="13812341234", name="张三"), actor=system)
    do_rename_unit(tree.community, "金沙社区（新）", actor=system, reason="更名")
    chain = f"core.unit:{tree.community.pk}"
    entries = json.loads(json.dumps(export_chain(chain), ensure_ascii=False))  # as a downloaded file
    assert [e["seq"] for e in entries] == [1, 2]
    report = verify_export(entries)
    assert report.ok, trail.render_report(report)
    # Private events are exported redacted: their links still verify, their contents are not published.
    private = export_chain(f"core.person:{person.pk}")
    assert private[0]["redacted"] and "data" not in private[0] and "13812341234" not in json.dumps(private)
    assert verify_export(private).ok
    assert verify_export(export_chain(f"core.person:{person.pk}", include_private=True)).ok


def test_export_tampering_is_named(tree, system):
    for n in range(3):
        do_rename_unit(tree.community, f"名{n}", actor=system, reason="r")
    chain = f"core.unit:{tree.community.pk}"
    entries = export_chain(chain)
    edited = [dict(e) for e in entries]
    edited[1]["reason"] = "篡改"
    [problem] = verify_export(edited).problems
    assert (problem.kind, problem.seq, problem.event_id) == (ProblemKind.EDITED, 2, entries[1]["id"])
    dropped = entries[:2] + entries[3:]
    assert [(p.kind, p.seq) for p in verify_export(dropped).problems] == [(ProblemKind.MISSING, 3)]
    head = {chain: (entries[-1]["seq"], entries[-1]["hash"])}
    assert verify_export(entries, heads=head).ok
    assert [(p.kind, p.seq) for p in verify_export(entries[:-1], heads=head).problems] == [
        (ProblemKind.TRUNCATED, 4)
    ]


def test_standalone_command_line(tree, system, tmp_path, capsys):
    chain = f"core.unit:{tree.community.pk}"
    path = tmp_path / "trail.json"
    entries = export_chain(chain)
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert trail.main([str(path), "--head", f"{chain}=1:{entries[0]['hash']}"]) == 0
    assert "OK" in capsys.readouterr().out
    entries[0]["data"]["name"] = "假的"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert trail.main([str(path)]) == 1
    assert "[edited]" in capsys.readouterr().out


def test_exported_event_matches_database(tree):
    event = Event.objects.get(chain=f"core.unit:{tree.city.pk}")
    [entry] = export_chain(event.chain)
    assert entry["hash"] == event.hash and entry["occurred_at"].endswith("Z")
