"""O2 — people and deputy records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import DeputyRecord, Person, Unit
from minyi.core.models.people import DeputyBody, DeputyLevel
from minyi.core.record.write import record_event

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")


@dataclass(frozen=True)
class PersonInput:
    username: str
    name: str
    phone: str = ""
    email: str = ""
    id_number: str = ""
    home_unit: Unit | None = None
    password: str | None = None  # None: the person cannot log in until a password is set


def check_create_person(data: PersonInput) -> None:
    if not data.username.strip():
        raise ActionError("username_required", _("用户名不能为空"), {"field": "username"})
    if not data.name.strip():
        raise ActionError("name_required", _("姓名不能为空"), {"field": "name"})
    if data.phone and not MOBILE_RE.match(data.phone):
        raise ActionError("phone_invalid", _("手机号码格式不正确"), {"field": "phone"})
    if data.id_number and not ID_NUMBER_RE.match(data.id_number):
        raise ActionError("id_number_invalid", _("身份证号格式不正确"), {"field": "id_number"})
    if Person.objects.filter(username=data.username.strip()).exists():
        raise ActionError("username_taken", _("用户名 %(u)s 已被使用") % {"u": data.username}, {"field": "username"})


@transaction.atomic
def do_create_person(data: PersonInput, *, actor: Actor) -> Person:
    check_create_person(data)
    person = Person(username=data.username.strip(), name=data.name.strip(), phone=data.phone, email=data.email,
                    id_number=data.id_number.upper(), home_unit=data.home_unit)
    if data.password:
        person.set_password(data.password)
    else:
        person.set_unusable_password()
    person.save(force_insert=True)
    # Personal data stays out of the record: the event names the account, not the phone or ID number.
    record_event(actor=actor, action="core.person.create", subject=person, unit=data.home_unit,
                 data={"username": person.username})
    return person


@dataclass(frozen=True)
class DeputyInput:
    body: str
    level: str
    unit: Unit
    term_start: date
    term_end: date | None = None
    term: str = ""
    delegation: str = ""


def check_add_deputy_record(person: Person, data: DeputyInput) -> None:
    if data.body not in DeputyBody.values:
        raise ActionError("deputy_body_unknown", _("未知的代表类型"), {"field": "body"})
    if data.level not in DeputyLevel.values:
        raise ActionError("deputy_level_unknown", _("未知的代表层级"), {"field": "level"})
    if data.term_end and data.term_end < data.term_start:
        raise ActionError("deputy_term_order", _("任期结束不能早于任期开始"), {"field": "term_end"})


@transaction.atomic
def do_add_deputy_record(person: Person, data: DeputyInput, *, actor: Actor) -> DeputyRecord:
    check_add_deputy_record(person, data)
    record = DeputyRecord.objects.create(
        person=person, body=data.body, level=data.level, unit=data.unit, term_start=data.term_start,
        term_end=data.term_end, term=data.term, delegation=data.delegation,
    )
    record_event(actor=actor, action="core.deputy.add", subject=person, unit=data.unit, public=True,
                 data={"body": data.body, "level": data.level, "unit": data.unit.pk, "term": data.term})
    return record
