"""The demo jurisdiction 示范市: generated from a seed, created through actions so every row has its event.

The shape (how many districts, townships, communities…) and the unit codes are fixed, so demo accounts
and browser tests can name their units by code; names, addresses, phones and people come from the seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from tqdm import tqdm

from minyi.core.actions.people import DeputyInput, PersonInput, do_add_deputy_record, do_create_person
from minyi.core.actions.role_requests import do_request_role
from minyi.core.actions.roles import do_grant_role
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.actors import Actor
from minyi.core.demo import names
from minyi.core.models import Person, Unit
from minyi.core.models.people import DeputyBody, DeputyLevel
from minyi.core.models.units import UnitKind

DEMO_SEED = 2026
DEMO_PASSWORD = "minyi-demo-2026"
CITY_NAME = "示范市"
CITY_CODE = "990100"
TOWNSHIPS_PER_DISTRICT = (4, 3, 3)
COMMUNITIES_PER_TOWNSHIP = 5
GRIDDED_COMMUNITIES = 3  # the first communities of the first township get grids and buildings
GRIDS_PER_COMMUNITY = 4
DEPARTMENTS_PER_DISTRICT = 6
RESIDENTS = 60


def district_code(index: int) -> str:
    return f"9901{index + 2:02d}"


# Codes of the units the demo accounts are scoped to (the first of each kind).
FIRST_DISTRICT = district_code(0)
FIRST_TOWNSHIP = FIRST_DISTRICT + "001"
FIRST_COMMUNITY = FIRST_TOWNSHIP + "001"
FIRST_STATION = FIRST_TOWNSHIP + "S"
FIRST_COUNCIL = FIRST_COMMUNITY + "C"
FIRST_HOUSING_BUREAU = FIRST_DISTRICT + "D01"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    password: str = DEMO_PASSWORD


# One login per role of minyi.core.roles.ROLES, scoped where that role works day to day.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "admin", CITY_CODE),
    DemoAccount("leader", "leader", CITY_CODE),
    DemoAccount("district", "district_staff", FIRST_DISTRICT),
    DemoAccount("township", "township_staff", FIRST_TOWNSHIP),
    DemoAccount("community", "community_staff", FIRST_COMMUNITY),
    DemoAccount("station", "station_staff", FIRST_STATION),
    DemoAccount("handler", "department_handler", FIRST_HOUSING_BUREAU),
    DemoAccount("hotline", "hotline_operator", CITY_CODE),
    DemoAccount("deputy", "deputy", FIRST_TOWNSHIP),
    DemoAccount("cppcc", "cppcc_member", FIRST_DISTRICT),
    DemoAccount("council", "council_member", FIRST_COUNCIL),
    DemoAccount("courier", "courier", FIRST_COMMUNITY),
    DemoAccount("evaluator", "evaluator", CITY_CODE),
    DemoAccount("supervisor", "supervisor", FIRST_DISTRICT),
    DemoAccount("procurator", "procuratorate", FIRST_DISTRICT),
    DemoAccount("inspector", "inspector", CITY_CODE),
    DemoAccount("finance", "finance", FIRST_DISTRICT),
    DemoAccount("auditor", "auditor", FIRST_DISTRICT),
    DemoAccount("resident", "resident", FIRST_COMMUNITY),
    DemoAccount("enterprise", "enterprise", FIRST_TOWNSHIP),
)

CPPCC_SECTORS = ("经济界", "教育界", "医药卫生界", "社会福利和社会保障界", "科学技术界", "无党派人士")
NPC_TERM_START = date(2021, 12, 28)
NPC_TERM_END = date(2026, 12, 27)


@dataclass
class DemoCity:
    city: Unit
    districts: list[Unit] = field(default_factory=list)
    townships: list[Unit] = field(default_factory=list)
    communities: list[Unit] = field(default_factory=list)
    grids: list[Unit] = field(default_factory=list)
    departments: list[Unit] = field(default_factory=list)
    stations: list[Unit] = field(default_factory=list)
    councils: list[Unit] = field(default_factory=list)
    accounts: dict[str, Person] = field(default_factory=dict)
    deputies: list[Person] = field(default_factory=list)
    residents: list[Person] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int, progress: tqdm) -> None:
        self.rng = random.Random(seed)
        self.actor = Actor.system()
        self.progress = progress
        self.stems: set[str] = set()

    def unit(self, name: str, kind: str, parent: Unit | None, code: str, address_prefix: str = "") -> Unit:
        prefix = address_prefix or (parent.full_name() if parent else CITY_NAME)
        data = UnitInput(
            name=name,
            kind=kind,
            code=code,
            address=names.street_address(self.rng, prefix),
            phone=names.landline_number(self.rng),
        )
        self.progress.update(1)
        return do_create_unit(data, parent, actor=self.actor)

    def person(self, username: str, home_unit: Unit | None, password: str | None = None) -> Person:
        data = PersonInput(
            username=username,
            name=names.person_name(self.rng),
            phone=names.mobile_number(self.rng),
            home_unit=home_unit,
            password=password,
        )
        self.progress.update(1)
        return do_create_person(data, actor=self.actor)


def build_demo(seed: int = DEMO_SEED, *, progress: bool = False) -> DemoCity:
    """Create 示范市 with its units, demo accounts, deputies and residents. The same seed gives the same city."""
    total = 1 + 3 + 10 + 50 + 12 + 20 + 10 + 3 + len(DEMO_ACCOUNTS) + 28 + RESIDENTS
    with tqdm(total=total, desc="示范市", unit="条", disable=not progress) as bar, transaction.atomic():
        builder = _Builder(seed, bar)
        demo = _build_units(builder)
        _build_accounts(builder, demo)
        _build_deputies(builder, demo)
        _build_residents(builder, demo)
        _build_role_requests(builder, demo)
    return demo


def _build_units(b: _Builder) -> DemoCity:
    rng = b.rng
    city = b.unit(CITY_NAME, UnitKind.CITY, None, CITY_CODE, address_prefix=CITY_NAME)
    demo = DemoCity(city=city)
    for code, department in enumerate(names.CITY_DEPARTMENT_NAMES, start=1):
        demo.departments.append(
            b.unit(CITY_NAME + department, UnitKind.DEPARTMENT, city, f"{CITY_CODE}D{code:02d}")
        )
    for d_index, township_count in enumerate(TOWNSHIPS_PER_DISTRICT):
        suffix = "区" if d_index == 0 else rng.choice(names.DISTRICT_SUFFIXES)
        district = b.unit(
            names.place_stem(rng, b.stems) + suffix, UnitKind.DISTRICT, city, district_code(d_index)
        )
        demo.districts.append(district)
        # Every district has a housing bureau (the demo handler's office); the rest are drawn.
        offices = [
            names.DEPARTMENT_NAMES[0],
            *rng.sample(names.DEPARTMENT_NAMES[1:], DEPARTMENTS_PER_DISTRICT - 1),
        ]
        for number, office in enumerate(offices, start=1):
            demo.departments.append(
                b.unit(district.name + office, UnitKind.DEPARTMENT, district, f"{district.code}D{number:02d}")
            )
        for t_index in range(township_count):
            # The first township of each district is a subdistrict (街道), where the demo staff work.
            suffix = "街道" if t_index == 0 else rng.choice(names.TOWNSHIP_SUFFIXES)
            township = b.unit(
                names.place_stem(rng, b.stems) + suffix,
                UnitKind.TOWNSHIP,
                district,
                f"{district.code}{t_index + 1:03d}",
            )
            demo.townships.append(township)
            demo.stations.append(
                b.unit(township.name + "人大代表联络站", UnitKind.STATION, township, f"{township.code}S")
            )
            for c_index in range(COMMUNITIES_PER_TOWNSHIP):
                demo.communities.append(_community(b, demo, township, c_index))
    return demo


def _community(b: _Builder, demo: DemoCity, township: Unit, index: int) -> Unit:
    # Statistical codes: 001–199 are urban communities (居委会), 200–399 villages (村委会).
    is_village = township.name.endswith("乡") or (township.name.endswith("镇") and index >= 2)
    number = 200 + index + 1 if is_village else index + 1
    name = names.place_stem(b.rng, b.stems) + ("村" if is_village else "社区")
    community = b.unit(name, UnitKind.COMMUNITY, township, f"{township.code}{number:03d}")
    if len(demo.communities) < GRIDDED_COMMUNITIES:
        for grid in _grid_names(b.rng):
            demo.grids.append(
                b.unit(grid, UnitKind.GRID, community, f"{community.code}G{len(demo.grids) + 1:02d}")
            )
        demo.councils.append(b.unit(name + "居民议事会", UnitKind.COUNCIL, community, f"{community.code}C"))
    return community


def _grid_names(rng: random.Random) -> Iterator[str]:
    estate = rng.choice(names.PLACE_FIRST) + rng.choice(names.PLACE_SECOND) + rng.choice(names.BUILDING_WORDS)
    yield "第一网格"
    yield "第二网格"
    yield f"{estate}1栋"
    yield f"{estate}2栋"


def _build_accounts(b: _Builder, demo: DemoCity) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in={a.unit_code for a in DEMO_ACCOUNTS})}
    first_community = units[FIRST_COMMUNITY]
    for account in DEMO_ACCOUNTS:
        unit = units[account.unit_code]
        home = first_community if account.role in {"resident", "courier", "council_member"} else None
        person = b.person(account.username, home)
        do_grant_role(person, account.role, unit, actor=b.actor, note="演示账号")
        demo.accounts[account.username] = person
    # The shared demo password is hashed once: Argon2 costs a few hundred milliseconds per hash, which
    # would make up most of the build. A password is not part of the record, so no event is missed.
    password_hash = make_password(DEMO_PASSWORD)
    Person.objects.filter(pk__in=[p.pk for p in demo.accounts.values()]).update(password=password_hash)
    for person in demo.accounts.values():
        person.password = password_hash
    do_add_deputy_record(
        demo.accounts["deputy"],
        DeputyInput(
            body=DeputyBody.NPC,
            level=DeputyLevel.COUNTY,
            unit=units[FIRST_STATION],
            term="第十八届",
            term_start=NPC_TERM_START,
            term_end=NPC_TERM_END,
        ),
        actor=b.actor,
    )
    do_add_deputy_record(
        demo.accounts["cppcc"],
        DeputyInput(
            body=DeputyBody.CPPCC,
            level=DeputyLevel.COUNTY,
            unit=units[FIRST_DISTRICT],
            term="第十届",
            delegation=CPPCC_SECTORS[0],
            term_start=NPC_TERM_START,
            term_end=NPC_TERM_END,
        ),
        actor=b.actor,
    )


def _build_deputies(b: _Builder, demo: DemoCity) -> None:
    """28 more mandates, so with the two demo accounts the city has 30 deputies and members."""
    rng = b.rng
    mandates: list[
        tuple[str, str, Unit, str | None, Unit, str]
    ] = []  # body, level, record unit, role, scope, group
    for township, station in zip(demo.townships, demo.stations, strict=True):
        mandates.append((DeputyBody.NPC, DeputyLevel.TOWNSHIP, station, "deputy", township, ""))
    for district in demo.districts:
        for _ in range(2):
            mandates.append((DeputyBody.NPC, DeputyLevel.COUNTY, district, "deputy", district, ""))
    for district in demo.districts + [demo.districts[0]]:
        mandates.append(
            (DeputyBody.NPC, DeputyLevel.CITY, district, "deputy", demo.city, district.name + "代表团")
        )
    for sector in CPPCC_SECTORS[1:5]:
        mandates.append(
            (
                DeputyBody.CPPCC,
                DeputyLevel.COUNTY,
                demo.districts[0],
                "cppcc_member",
                demo.districts[0],
                sector,
            )
        )
    for district in demo.districts + [demo.districts[0]]:
        mandates.append((DeputyBody.PARTY, DeputyLevel.COUNTY, district, None, district, ""))
    for number, (body, level, record_unit, role, scope, group) in enumerate(mandates, start=1):
        communities = [c for c in demo.communities if c.is_within(scope)] or demo.communities
        person = b.person(f"deputy{number:02d}", rng.choice(communities))
        do_add_deputy_record(
            person,
            DeputyInput(
                body=body,
                level=level,
                unit=record_unit,
                term_start=NPC_TERM_START,
                term_end=NPC_TERM_END,
                term="第十届" if body == DeputyBody.CPPCC else "第十八届",
                delegation=group,
            ),
            actor=b.actor,
        )
        if role:
            do_grant_role(person, role, scope, actor=b.actor)
        demo.deputies.append(person)


def _build_residents(b: _Builder, demo: DemoCity) -> None:
    for number in range(1, RESIDENTS + 1):
        demo.residents.append(b.person(f"resident{number:03d}", b.rng.choice(demo.communities)))


ROLE_REQUEST_NOTES = (
    ("council_member", "在小区住了十几年，愿意参加居民议事，反映邻里意见。"),
    ("courier", "退休在家时间充裕，愿意当民情专递员，定期走访楼栋住户。"),
    ("council_member", "担任楼栋长多年，希望参加议事会讨论加装电梯的事。"),
    ("courier", "熟悉本社区老年人情况，想帮忙收集大家的意见建议。"),
    ("council_member", "物业服务问题较多，希望作为业主代表参加协商。"),
)


def _build_role_requests(b: _Builder, demo: DemoCity) -> None:
    """Residents asking to become council members or couriers: the administrators' first workbench items."""
    applicants = b.rng.sample(demo.residents, len(ROLE_REQUEST_NOTES))
    for person, (role, note) in zip(applicants, ROLE_REQUEST_NOTES, strict=True):
        assert person.home_unit is not None
        do_request_role(role, person.home_unit, note=note, actor=Actor(person=person))
