"""Tracking numbers (受理编号), verification codes (查询码) and following an item by them (V1, V4).

- A tracking number `MY-<year>-<6 digits>` is taken from `TrackingCounter` under a row lock, so
  concurrent submissions never get the same number and numbers have no gaps within a year.
- A submitter without an account gets a verification code, shown once. Only an HMAC of it (keyed by
  SECRET_KEY and bound to the tracking number) is stored, so a copy of the database does not reveal
  codes and a code is useless for any other item. Codes are compared in constant time.
- Failed look-ups are counted per client address; after MINYI_VOICE_TRACK_MAX_FAILURES within
  MINYI_VOICE_TRACK_LOCK_MINUTES the address is refused until the window has passed (the pattern of
  minyi/core/login.py). A wrong code and an unknown number get the same answer: nothing is revealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.engine.labels import localized
from minyi.core.engine.registry import current_definition
from minyi.core.errors import ActionError
from minyi.core.masking import mask_name, mask_phone
from minyi.core.models import Event, ProcessInstance
from minyi.core.rows import reserve_ids, reserve_ids_with
from minyi.core.subjects import chain_name
from minyi.voices.models import TrackingAttempt, TrackingCounter, Voice

TRACKING_PREFIX = "MY"
TRACKING_PATTERN = re.compile(r"^MY-(\d{4})-(\d{6})$")
# No 0/O, 1/I/L: codes are read out over the phone and copied from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PROCESS = "voice"


def tracking_code_for(year: int, number: int) -> str:
    return f"{TRACKING_PREFIX}-{year:04d}-{number:06d}"


def next_tracking_code(year: int, *, locked_last: int | None = None) -> str:
    """Take the next number of `year`. Must run inside the caller's transaction (the lock lasts until commit).

    `locked_last` is what `lock_tracking_counter` returned in this transaction: the row is already
    locked, so only the new number is written.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_tracking_code must run inside the action's transaction.atomic block")
    if locked_last is None:
        taken = _increment(year)  # lock and take in one statement once the year has its row
        if taken is not None:
            return tracking_code_for(year, taken)
        locked_last = lock_tracking_counter(year)  # the year's first number: create the row
    TrackingCounter.objects.filter(year=year).update(last=locked_last + 1)
    return tracking_code_for(year, locked_last + 1)


def next_tracking_code_and_ids(
    year: int, counts: Mapping[type[models.Model], int]
) -> tuple[str, dict[type[models.Model], list[int]]]:
    """`next_tracking_code(year)` and `rows.reserve_ids(counts)`; on PostgreSQL one statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_tracking_code_and_ids must run inside the action's transaction.atomic block")
    row, ids = reserve_ids_with(_INCREMENT.format(table=_counter_table()), [year], counts)
    if row is None:  # the year's first number: create its row, then reserve
        return next_tracking_code(year), ids or reserve_ids(counts)
    return tracking_code_for(year, int(row[0])), ids


_INCREMENT = 'UPDATE {table} SET "last" = "last" + 1 WHERE "year" = %s RETURNING "last"'


def _counter_table() -> str:
    return connection.ops.quote_name(TrackingCounter._meta.db_table)


def _increment(year: int) -> int | None:
    """The year's counter moved on by one (its row now locked), or None if the year has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(_INCREMENT.format(table=_counter_table()), [year])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def lock_tracking_counter(year: int) -> int:
    """Hold the year's counter lock: creates of one year are serialised from here to commit.

    Taken before an idempotency key is looked up, so two concurrent requests with the same key
    cannot both miss the first one's item. Returns the last number taken.
    """
    locked = TrackingCounter.objects.select_for_update().filter(year=year).values_list("last", flat=True)
    last = locked.first()  # one statement once the year has its row
    if last is None:
        # The year's first item: insert-if-missing never raises on a race (ON CONFLICT DO NOTHING /
        # INSERT OR IGNORE), then lock.
        TrackingCounter.objects.bulk_create([TrackingCounter(year=year, last=0)], ignore_conflicts=True)
        last = locked.get()
    return last


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def normalise_tracking_code(code: str) -> str:
    return re.sub(r"\s", "", code or "").upper()


def new_verification_code(seed: str | None = None) -> str:
    """A fresh random code; or, for an idempotency key, the same code every time the key is replayed."""
    if seed is None:
        return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    digest = hmac.new(settings.SECRET_KEY.encode(), f"voices.verify:{seed}".encode(), hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def verification_hash(tracking_code: str, code: str) -> str:
    message = f"{tracking_code}:{normalise_code(code)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_matches(voice: Voice | None, code: str) -> bool:
    """Constant-time comparison; an unknown item costs the same as a known one."""
    stored = voice.verification_hash if voice is not None and voice.verification_hash else "0" * 64
    tracking = voice.tracking_code if voice is not None else "MY-0000-000000"
    matches = hmac.compare_digest(stored, verification_hash(tracking, code))
    return matches and voice is not None and bool(voice.verification_hash)


# --- throttling -------------------------------------------------------------------------------


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.MINYI_VOICE_TRACK_LOCK_MINUTES)


def is_throttled(address: str | None) -> bool:
    recent = TrackingAttempt.objects.filter(address=address, at__gte=_window_start())
    return recent.count() >= settings.MINYI_VOICE_TRACK_MAX_FAILURES


class TrackingThrottled(ActionError):
    status = 429


def throttled_error() -> ActionError:
    return TrackingThrottled(
        "tracking_throttled",
        _("查询失败次数过多，请%(minutes)d分钟后再试") % {"minutes": settings.MINYI_VOICE_TRACK_LOCK_MINUTES},
    )


def not_found_error() -> ActionError:
    return ActionError(
        "tracking_not_found",
        _("受理编号或查询码不正确，请核对后重试"),
        {"field": "verification_code"},
    )


def find_tracked_voice(tracking_code: str, verification_code: str, *, address: str | None) -> Voice:
    """The voice these codes open, or ActionError (same answer for unknown number and wrong code)."""
    if is_throttled(address):
        raise throttled_error()
    tracking = normalise_tracking_code(tracking_code)
    voice = Voice.objects.filter(tracking_code=tracking).first() if TRACKING_PATTERN.match(tracking) else None
    if not code_matches(voice, verification_code):
        TrackingAttempt.objects.create(address=address)
        raise not_found_error()
    assert voice is not None
    return voice


# --- what a submitter sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedStep:
    at: dt.datetime
    label: str
    unit_name: str  # the handling office, never a person's name
    state: str
    reason: str


@dataclass(frozen=True)
class TrackedVoice:
    voice: Voice
    state: str
    is_final: bool
    deadline_at: dt.datetime | None
    handling_unit: str
    contact_name: str  # masked
    contact_phone: str  # masked
    steps: list[TrackedStep]


def _step_label(action: str) -> str:
    definition = current_definition(PROCESS)
    prefix = f"{PROCESS}."
    if action in {"voices.voice.submit", "voices.voice.register"}:
        return _("登记受理")
    if action == "core.attachment.store":
        return _("上传照片")
    if action == f"{PROCESS}.start":
        return _("进入办理流程")
    if action.startswith(f"{PROCESS}.overdue."):
        return _("超期提醒") if action.endswith("remind") else _("超期自动处理")
    if action == f"{PROCESS}.override":
        return _("管理员调整状态")
    if action.startswith(prefix) and action[len(prefix) :] in definition.transitions:
        return localized(definition.transitions[action[len(prefix) :]].title)
    return _("办理进展")


def tracked_view(voice: Voice) -> TrackedVoice:
    """Every step with its time and the office that took it; contact masked; no names of people."""
    definition = current_definition(PROCESS)
    instance = (
        ProcessInstance.objects.select_related("unit").filter(pk=voice.instance_id).first()
        if voice.instance_id is not None
        else None
    )
    events = (
        Event.objects.filter(chain=chain_name(voice)).select_related("actor_unit", "unit").order_by("seq")
    )
    steps: list[TrackedStep] = []
    for event in events:
        office = event.actor_unit or event.unit
        state_code = event.data.get("to", "") if isinstance(event.data, dict) else ""
        state = definition.states.get(state_code)
        steps.append(
            TrackedStep(
                at=event.occurred_at,
                label=_step_label(event.action),
                unit_name=office.name if office is not None else _("平台"),
                state=localized(state.title) if state else "",
                reason=event.reason if event.action.startswith(f"{PROCESS}.") else "",
            )
        )
    state_def = definition.states.get(instance.state) if instance else None
    return TrackedVoice(
        voice=voice,
        state=localized(state_def.title) if state_def else "",
        is_final=bool(instance and instance.is_final),
        deadline_at=instance.deadline_at if instance else None,
        handling_unit=instance.unit.name if instance else "",
        contact_name=mask_name(voice.contact_name) if voice.contact_name else "",
        contact_phone=mask_phone(voice.contact_phone) if voice.contact_phone else "",
        steps=steps,
    )
