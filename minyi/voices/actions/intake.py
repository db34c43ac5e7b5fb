"""Intake (V1, O5): a resident submits, or staff register what came by hotline, mailbox, letter, visit,
reception day or courier visit. Both paths validate the same way, issue a tracking number, store the
photos and start the `voice` process on the item's unit; right after commit the item is indexed and
the offices that must accept it are told (intake_followup, a Huey task).

Idempotency: a create may carry a key (API `Idempotency-Key`, a hidden form field). The key is
stored scoped to the caller; a replay returns the first item — with the same verification code,
which is derived from the key — and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actions.files import do_store_attachment
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.files import check_upload
from minyi.core.models import Channel, Event, ProcessInstance, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.models.units import UnitKind
from minyi.core.record.write import prepare_event, start_chain
from minyi.core.rows import By, insert_rows, reserve_ids, rows_by
from minyi.core.scope import active_grants
from minyi.voices.actions.intake_followup import queue_followup
from minyi.voices.actions.tracking import (
    lock_tracking_counter,
    new_verification_code,
    next_tracking_code,
    next_tracking_code_and_ids,
    verification_hash,
)
from minyi.voices.milestones import first_milestones
from minyi.voices.models import Category, Voice, VoiceKind

PROCESS = "voice"
TITLE_MAX = Voice._meta.get_field("title").max_length or 100
PLACE_MAX = Voice._meta.get_field("place").max_length or 200
CONTACT_NAME_MAX = Voice._meta.get_field("contact_name").max_length or 60
IDEMPOTENCY_KEY_MAX = 64
IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]+$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}$")

# Where an item may be filed: the administrative levels residents know.
INTAKE_UNIT_KINDS = frozenset({UnitKind.COMMUNITY, UnitKind.TOWNSHIP, UnitKind.GRID})
# Kinds a resident or an intake clerk files; deputies' suggestions and proposals have their own page.
INTAKE_KINDS = (VoiceKind.REQUEST, VoiceKind.SUGGESTION, VoiceKind.COMPLAINT, VoiceKind.CONSULTATION)
RESIDENT_CHANNELS = frozenset({ChannelCode.WEB, ChannelCode.MOBILE, ChannelCode.PHOTO})
STAFF_CHANNELS = (
    ChannelCode.HOTLINE,
    ChannelCode.MAILBOX,
    ChannelCode.LETTER,
    ChannelCode.VISIT,
    ChannelCode.RECEPTION,
    ChannelCode.COURIER,
)
REGISTER_ROLES = frozenset(
    {"hotline_operator", "community_staff", "station_staff", "township_staff", "district_staff", "courier"}
)
# A courier registers only what they heard on home visits; every other intake role may use any staff channel.
CHANNELS_BY_ROLE: dict[str, frozenset[str]] = {"courier": frozenset({ChannelCode.COURIER})}


@dataclass
class VoiceInput:
    title: str
    content: str
    category: Category | int | str  # the category, its pk, or its code (service_code)
    unit: Unit | int
    place: str = ""
    kind: str = VoiceKind.REQUEST
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    wants_public: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    idempotency_key: str | None = None
    # When staff register what arrived earlier (the letter's date, the call's time); residents: now.
    received_at: dt.datetime | None = None
    # A stable key of the source record (hotline ticket, import row): re-registering it is refused.
    external_ref: str | None = None
    # Where the item came from (import batch and row, Open311 client…), kept in the registration event.
    origin: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedVoice:
    data: VoiceInput
    category: Category
    unit: Unit
    channel: Channel


@dataclass
class IntakeResult:
    voice: Voice
    instance: ProcessInstance
    verification_code: str = ""  # "" when the submitter has an account
    created: bool = True  # False when an idempotent replay returned the first item
    photos: list[Any] = field(default_factory=list)


def _error(code: str, message: str, field_name: str) -> ActionError:
    return ActionError(code, message, {"field": field_name})


def _resolve(
    category: Category | int | str, unit: Unit | int, channel_code: str
) -> tuple[Category, Unit, Channel]:
    """The item's category (by id or code), unit and channel, read in one round trip (`rows_by`);
    refused in that order, naming the field."""
    lookups: list[By] = []
    if not isinstance(category, Category):
        lookups.append(
            By(Category, "pk", category)
            if isinstance(category, int)
            else By(Category, "code", str(category).strip())
        )
    if not isinstance(unit, Unit):
        lookups.append(By(Unit, "pk", unit))
    lookups.append(By(Channel, "code", channel_code))
    found = iter(rows_by(lookups))
    the_category = category if isinstance(category, Category) else next(found)
    the_unit = unit if isinstance(unit, Unit) else next(found)
    the_channel = next(found)
    if not isinstance(the_category, Category) or not the_category.is_active:
        raise ActionError("category_unknown", _("请选择有效的诉求类别"), {"field": "category"})
    if not isinstance(the_unit, Unit) or not the_unit.is_active or the_unit.kind not in INTAKE_UNIT_KINDS:
        raise ActionError("unit_unknown", _("请选择事项所在的社区、村或街道（乡镇）"), {"field": "unit"})
    if not isinstance(the_channel, Channel) or not the_channel.is_active:
        raise ActionError("channel_unknown", _("受理渠道无效或已停用"), {"field": "channel"})
    return the_category, the_unit, the_channel


def check_idempotency_key(key: str | None) -> str | None:
    if key is None or key == "":
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX or not IDEMPOTENCY_KEY_PATTERN.match(key):
        raise _error(
            "idempotency_key_invalid",
            _("幂等键只能由字母、数字和 _ . : - 组成，且不超过%(n)d个字符") % {"n": IDEMPOTENCY_KEY_MAX},
            "idempotency_key",
        )
    return key


def _check_phone(phone: str, *, allow_landline: bool) -> None:
    plain = re.sub(r"[\s]", "", phone)
    if MOBILE_PATTERN.match(plain) or (allow_landline and LANDLINE_PATTERN.match(plain)):
        return
    message = (
        _("请填写正确的手机号码或固定电话（含区号）") if allow_landline else _("请填写正确的11位手机号码")
    )
    raise _error("phone_invalid", message, "contact_phone")


def check_voice_input(data: VoiceInput, *, channel_code: str, staff: bool) -> CheckedVoice:
    """Validate everything that needs no lock; raises ActionError naming the field."""
    data.title = (data.title or "").strip()
    data.content = (data.content or "").strip()
    data.place = (data.place or "").strip()
    data.contact_name = (data.contact_name or "").strip()
    data.contact_phone = re.sub(r"\s", "", data.contact_phone or "")
    data.contact_email = (data.contact_email or "").strip()
    content_max = settings.MINYI_VOICE_CONTENT_MAX
    if not data.title:
        raise _error("title_required", _("请填写标题"), "title")
    if len(data.title) > TITLE_MAX:
        raise _error("title_too_long", _("标题不能超过%(n)d个字") % {"n": TITLE_MAX}, "title")
    if not data.content:
        raise _error("content_required", _("请填写反映的内容"), "content")
    if len(data.content) > content_max:
        raise _error("content_too_long", _("内容不能超过%(n)d个字") % {"n": content_max}, "content")
    if len(data.place) > PLACE_MAX:
        raise _error("place_too_long", _("地点描述不能超过%(n)d个字") % {"n": PLACE_MAX}, "place")
    if len(data.contact_name) > CONTACT_NAME_MAX:
        raise _error(
            "contact_name_too_long", _("联系人不能超过%(n)d个字") % {"n": CONTACT_NAME_MAX}, "contact_name"
        )
    if data.contact_phone:
        _check_phone(data.contact_phone, allow_landline=staff)
    if data.contact_email:
        try:
            validate_email(data.contact_email)
        except ValidationError:
            raise _error("email_invalid", _("请填写正确的电子邮箱"), "contact_email") from None
    if data.kind not in INTAKE_KINDS:
        raise _error("kind_invalid", _("请选择有效的事项类型"), "kind")
    if data.latitude is not None and not Decimal(-90) <= data.latitude <= Decimal(90):
        raise _error("latitude_invalid", _("纬度无效"), "latitude")
    if data.longitude is not None and not Decimal(-180) <= data.longitude <= Decimal(180):
        raise _error("longitude_invalid", _("经度无效"), "longitude")
    if data.received_at is not None and timezone.is_naive(data.received_at):
        data.received_at = timezone.make_aware(data.received_at)  # a wall-clock time in the site's zone
    if data.received_at is not None and data.received_at > timezone.now() + dt.timedelta(minutes=5):
        raise _error("received_at_future", _("受理时间不能晚于现在"), "received_at")
    data.idempotency_key = check_idempotency_key(data.idempotency_key)
    category, unit, channel = _resolve(data.category, data.unit, channel_code)
    return CheckedVoice(data=data, category=category, unit=unit, channel=channel)


def check_photos(photos: Sequence[IO[bytes] | Any]) -> None:
    """Every photo must be an image by content and within the size limit; at most MINYI_VOICE_MAX_PHOTOS."""
    limit = settings.MINYI_VOICE_MAX_PHOTOS
    if len(photos) > limit:
        raise _error("too_many_photos", _("最多上传%(n)d张照片") % {"n": limit}, "photos")
    for photo in photos:
        try:
            checked = check_upload(photo)
        except ActionError as error:
            raise ActionError(error.code, error.message, {**error.details, "field": "photos"}) from None
        if checked.image_format is None:
            raise _error("upload_not_image", _("照片必须是 JPEG、PNG、WebP 或 GIF 图片"), "photos")


def scoped_key(key: str | None, actor: Actor) -> str | None:
    """Keys are per caller, so one client's key never finds another's item."""
    if key is None:
        return None
    owner = f"p{actor.person.pk}" if actor.person is not None else "anon"
    return f"{owner}:{key}"


def replayed(key: str | None) -> IntakeResult | None:
    if key is None:
        return None
    voice = (
        Voice.objects.select_related("category", "unit", "channel", "instance")
        .filter(idempotency_key=key)
        .first()
    )
    if voice is None:
        return None
    instance = voice.instance or ProcessInstance.objects.get(
        process=PROCESS, subject_type="voices.voice", subject_id=str(voice.pk)
    )
    code = new_verification_code(key) if voice.verification_hash else ""
    return IntakeResult(voice=voice, instance=instance, verification_code=code, created=False)


def intake_grants_reaching(person: Any, unit: Unit) -> list[Any]:
    """The person's intake grants that reach `unit`.

    A role on a unit reaches its subtree; a station's staff also take in matters of the township the
    station serves (a reception day at the station hears the whole subdistrict).
    """
    if person is None or not person.is_active:
        return []
    reaching = []
    for grant in active_grants(person):
        if grant.role not in REGISTER_ROLES:
            continue
        reach = grant.unit.path
        if grant.role == "station_staff" and grant.unit.kind == UnitKind.STATION:
            reach = reach[: -Unit.steplen]
        if unit.path.startswith(reach):
            reaching.append(grant)
    return reaching


def intake_roles_reaching(person: Any, unit: Unit) -> set[str]:
    return {grant.role for grant in intake_grants_reaching(person, unit)}


def check_register_permission(actor: Actor, unit: Unit, channel_code: str) -> None:
    if actor.is_system and actor.role == Actor.system().role:  # platform code (imports, the demo)
        return
    roles = intake_roles_reaching(actor.person, unit)
    if not roles:
        raise NotPermitted("not_permitted", _("您没有在该单位登记民情事项的权限"), {"field": "unit"})
    if channel_code not in STAFF_CHANNELS:
        raise _error("channel_not_staff", _("请选择热线、信箱、来信、来访、接待日或走访渠道"), "channel")
    allowed: set[str] = set()
    for role in roles:
        allowed |= CHANNELS_BY_ROLE.get(role, frozenset(STAFF_CHANNELS))
    if channel_code not in allowed:
        raise NotPermitted("channel_not_permitted", _("您不能登记该渠道的事项"), {"field": "channel"})


def do_submit_voice(
    data: VoiceInput,
    *,
    actor: Actor,
    photos: Sequence[IO[bytes] | Any] = (),
    channel_code: str = ChannelCode.WEB,
) -> IntakeResult:
    """A resident's own submission (logged in or not). Anonymous callers pass Actor(person=None, role="resident")."""
    key = scoped_key(check_idempotency_key(data.idempotency_key), actor)
    first = replayed(key)
    if first is not None:
        return first
    if channel_code not in RESIDENT_CHANNELS:
        raise _error("channel_not_resident", _("该渠道只能由工作人员登记"), "channel")
    checked = check_voice_input(data, channel_code=channel_code, staff=False)
    data.received_at = None  # residents' items are received now
    check_photos(photos)
    return _create(checked, key, actor=actor, photos=photos, submitter=actor.person, registered_by=None)


def do_register_voice(
    data: VoiceInput,
    *,
    actor: Actor,
    channel_code: str,
    photos: Sequence[IO[bytes] | Any] = (),
) -> IntakeResult:
    """Staff register an item taken by hotline, mailbox, letter, visit, reception day or courier visit.

    The caller's contact stays on the item (private to handlers); the caller follows it with the
    tracking number and the verification code, which the clerk reads out or writes on the receipt.
    """
    key = scoped_key(check_idempotency_key(data.idempotency_key), actor)
    first = replayed(key)
    if first is not None:
        return first
    checked = check_voice_input(data, channel_code=channel_code, staff=True)
    check_register_permission(actor, checked.unit, channel_code)
    check_photos(photos)
    return _create(checked, key, actor=actor, photos=photos, submitter=None, registered_by=actor.person)


def do_record_voice(
    data: VoiceInput,
    *,
    actor: Actor,
    channel_code: str,
    photos: Sequence[IO[bytes] | Any] = (),
) -> IntakeResult:
    """Registration for platform paths that authorise the caller themselves — Open311 clients (API
    key), file imports (scope checked per row), couriers' visits (their appointment): the same
    content checks, tracking number, event, process and notifications as the intake pages."""
    key = scoped_key(check_idempotency_key(data.idempotency_key), actor)
    first = replayed(key)
    if first is not None:
        return first
    checked = check_voice_input(data, channel_code=channel_code, staff=True)
    if data.external_ref and Voice.objects.filter(external_ref=data.external_ref).exists():
        raise _error("external_ref_taken", _("该来源记录已登记"), "external_ref")
    check_photos(photos)
    return _create(checked, key, actor=actor, photos=photos, submitter=None, registered_by=actor.person)


@transaction.atomic
def _create(
    checked: CheckedVoice,
    key: str | None,
    *,
    actor: Actor,
    photos: Sequence[IO[bytes] | Any],
    submitter: Any,
    registered_by: Any,
) -> IntakeResult:
    data = checked.data
    now = timezone.now()
    received_at = data.received_at or now
    year = timezone.localtime(received_at).year
    # The counter lock serialises creates, so a concurrent replay of the same key waits here and then
    # finds the first item instead of creating a second one.
    new_rows = {Voice: 1, ProcessInstance: 1, Event: 2}
    if key is None:  # nothing to replay: lock the counter, take the number and reserve the ids at once
        tracking_code, ids = next_tracking_code_and_ids(year, new_rows)
    else:
        # The counter lock serialises creates, so a concurrent replay of the same key waits here and
        # then finds the first item instead of creating a second one (and takes no number).
        last = lock_tracking_counter(year)
        first = replayed(key)
        if first is not None:
            return first
        tracking_code = next_tracking_code(year, locked_last=last)
        ids = reserve_ids(new_rows)
    code = "" if submitter is not None else new_verification_code(key)
    # Every row of the new item is built first, with the reserved ids so they can point at each
    # other, then inserted together (`insert_rows`: one round trip on PostgreSQL).
    voice = Voice(
        pk=ids[Voice][0],
        instance_id=ids[ProcessInstance][0],
        tracking_code=tracking_code,
        verification_hash=verification_hash(tracking_code, code) if code else "",
        kind=data.kind,
        category=checked.category,
        channel=checked.channel,
        unit=checked.unit,
        title=data.title,
        content=data.content,
        place=data.place,
        latitude=data.latitude,
        longitude=data.longitude,
        submitter=submitter,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        wants_public=data.wants_public,
        registered_by=registered_by,
        idempotency_key=key,
        external_ref=data.external_ref,
        created_at=received_at,
    )
    # The registration event names what came in and how; never the contact (that stays on the row).
    # It starts the new item's chain; the process start follows right behind it.
    registered = prepare_event(
        actor=actor,
        action="voices.voice.register" if registered_by is not None else "voices.voice.submit",
        subject=voice,
        unit=voice.unit,
        data={
            "tracking_code": tracking_code,
            "kind": voice.kind,
            "category": checked.category.code,
            "channel": checked.channel.code,
            "unit": voice.unit_id,
            "photos": len(photos),
            "anonymous": submitter is None,
            "wants_public": voice.wants_public,
            "received_at": received_at.isoformat(),
            **({"external_ref": data.external_ref} if data.external_ref else {}),
            **data.origin,
        },
    )
    instance, started = runtime.prepare_start(
        PROCESS, pk=ids[ProcessInstance][0], subject=voice, unit=voice.unit, title=voice.title, actor=actor
    )
    voice.instance = instance
    registered.pk, started.pk = ids[Event]
    head = start_chain([registered, started])
    rows = [instance, voice, registered, started, head, first_milestones(voice, instance)]
    if key is None:  # nothing to replay: a failed insert fails the action
        insert_rows(rows)
    else:
        try:
            with transaction.atomic():
                insert_rows(rows)
        except IntegrityError:
            # Only a replay across a year boundary can get here (two different counter locks).
            first = replayed(key)
            if first is None:
                raise
            return first
    stored = [do_store_attachment(photo, actor=actor, subject=voice, unit=voice.unit) for photo in photos]
    # The index row and the notification of the office that must accept the item follow after commit
    # (intake_followup): the submitter's answer needs neither.
    queue_followup(voice)
    return IntakeResult(voice=voice, instance=instance, verification_code=code, created=True, photos=stored)


def start_handling(voice: Voice, *, actor: Actor) -> ProcessInstance:
    """Start the `voice` process on an existing item's unit and link the item to it (`Voice.instance`).

    The intake builds the same rows itself (`_create`); this is for items made another way.
    """
    instance = runtime.start(PROCESS, subject=voice, unit=voice.unit, title=voice.title, actor=actor)
    voice.instance = instance
    voice.save(update_fields=["instance"])
    return instance


def register_actor(person: Any, unit: Unit | None) -> Actor:
    """The clerk acting through their closest intake grant reaching `unit` (the office that registered)."""
    grants = intake_grants_reaching(person, unit) if unit is not None else []
    if not grants:
        return Actor(person=person)
    grant = max(grants, key=lambda g: len(g.unit.path))
    return Actor(person=person, role=grant.role, unit=grant.unit)
