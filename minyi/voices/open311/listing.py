"""`GET requests` and `GET requests/{id}`: voices as Open311 service requests, without personal data.

Only what the publicity rules allow leaves here: the description, exact address, coordinates and
media of an item appear only when it is published (the submitter agreed), masked; otherwise the
address is the name of the community. Contact data and submitters never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from minyi.core.engine.labels import describe
from minyi.core.masking import mask_address, mask_text
from minyi.core.models import ProcessInstance
from minyi.voices.models import Voice
from minyi.voices.open311.intake import Open311Error

PROCESS = "voice"
SUBJECT_TYPE = Voice._meta.label_lower
DEFAULT_WINDOW_DAYS = 90
MAX_RESULTS = 1000
MAX_IDS = 100


def iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _final_instances() -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(
        process=PROCESS,
        subject_type=SUBJECT_TYPE,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        is_final=True,
    )


def _when(raw: str, name: str, end_of_day: bool = False) -> dt.datetime:
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw)
        if day is None:
            raise Open311Error(400, _("%(field)s 不是 ISO 8601 日期时间") % {"field": name})
        value = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _safe_when(raw: str, name: str, end_of_day: bool = False) -> dt.datetime:
    try:
        return _when(raw, name, end_of_day)
    except ValueError:  # parse_datetime raises on well-formed but impossible dates (2026-02-30)
        raise Open311Error(400, _("%(field)s 不是 ISO 8601 日期时间") % {"field": name}) from None


def filtered_voices(params: dict[str, str]) -> list[Voice]:
    """Apply the GeoReport v2 filters; with none of ids and dates, the last 90 days. At most 1000."""
    voices = Voice.objects.select_related("category", "unit", "lead_department", "open311")
    ids = [part.strip() for part in params.get("service_request_id", "").split(",") if part.strip()]
    if len(ids) > MAX_IDS:
        raise Open311Error(400, _("service_request_id 最多 %(n)d 个") % {"n": MAX_IDS})
    if ids:
        voices = voices.filter(tracking_code__in=ids)
    codes = [part.strip() for part in params.get("service_code", "").split(",") if part.strip()]
    if codes:
        voices = voices.filter(category__code__in=codes)
    start_raw, end_raw = params.get("start_date", "").strip(), params.get("end_date", "").strip()
    start = _safe_when(start_raw, "start_date") if start_raw else None
    end = _safe_when(end_raw, "end_date", end_of_day=True) if end_raw else None
    if start and end and start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date"))
    if not ids and start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if start is not None:
        voices = voices.filter(created_at__gte=start)
    if end is not None:
        voices = voices.filter(created_at__lte=end)
    statuses = {part.strip() for part in params.get("status", "").split(",") if part.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status 只能是 open 或 closed"))
    if statuses == {"open"}:
        voices = voices.filter(~Exists(_final_instances()))
    elif statuses == {"closed"}:
        voices = voices.filter(Exists(_final_instances()))
    return list(voices.order_by("-created_at", "-id")[:MAX_RESULTS])


def instances_for(voices: Iterable[Voice]) -> dict[str, ProcessInstance]:
    keys = [str(voice.pk) for voice in voices]
    if not keys:
        return {}
    rows = ProcessInstance.objects.filter(process=PROCESS, subject_type=SUBJECT_TYPE, subject_id__in=keys)
    return {row.subject_id: row for row in rows.select_related("unit")}


def request_of(voice: Voice, instance: ProcessInstance | None) -> dict[str, Any]:
    closed = bool(instance and instance.is_final)
    published = voice.is_published
    media = getattr(voice, "open311", None)
    notes = voice.reply or (describe(instance).state if instance else "")
    agency = voice.lead_department or (instance.unit if instance else voice.unit)
    return {
        "service_request_id": voice.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": mask_text(notes) if notes else None,
        "service_name": voice.category.name,
        "service_code": voice.category.code,
        "description": mask_text(voice.content) if published else None,
        "agency_responsible": agency.name,
        "service_notice": _("受理编号 %(code)s") % {"code": voice.tracking_code},
        "requested_datetime": iso(voice.created_at),
        "updated_datetime": iso(instance.updated_at if instance else voice.created_at),
        "expected_datetime": iso(instance.deadline_at) if instance and not closed else None,
        "address": mask_address(voice.place, voice.unit.name)
        if published and voice.place
        else voice.unit.name,
        "address_id": voice.unit.code or None,
        "zipcode": None,
        "lat": float(voice.latitude) if published and voice.latitude is not None else None,
        "long": float(voice.longitude) if published and voice.longitude is not None else None,
        "media_url": media.media_url or None if published and media is not None else None,
    }


def requests_payload(voices: list[Voice]) -> list[dict[str, Any]]:
    instances = instances_for(voices)
    return [request_of(voice, instances.get(str(voice.pk))) for voice in voices]
