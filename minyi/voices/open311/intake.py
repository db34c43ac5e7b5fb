"""`POST requests`: validate the form-encoded Open311 request, resolve the unit, create the voice.

Every refusal is an `Open311Error(status, description)`; nothing is written before all checks pass.
Replays carrying the same `Idempotency-Key` header (per API token) return the first request.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Length
from django.http import QueryDict
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.apiutil.auth import person_for_token
from minyi.core.models import ApiToken, Person, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.models.tokens import token_digest
from minyi.core.models.units import UnitKind
from minyi.voices.actions.intake import IDEMPOTENCY_KEY_MAX, scoped_key
from minyi.voices.models import Category, Open311Request, Voice
from minyi.voices.open311.create import NewVoice, create_voice
from minyi.voices.open311.services import clean_attributes

DESCRIPTION_MAX = 4000
# Kinds a request may concern: the administrative areas where the matter is, not offices.
PLACE_KINDS = (UnitKind.COMMUNITY, UnitKind.TOWNSHIP, UnitKind.GRID)
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z]+;|&#\d+;")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,40})\]$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Created:
    voice: Voice
    token: str
    replayed: bool


def check_jurisdiction(jurisdiction_id: str) -> None:
    if jurisdiction_id and jurisdiction_id != settings.MINYI_OPEN311_JURISDICTION_ID:
        raise Open311Error(404, _("未知的 jurisdiction_id：%(id)s") % {"id": jurisdiction_id[:60]})


def client_for(api_key: str) -> tuple[Person, ApiToken]:
    person = person_for_token(api_key.strip()) if api_key else None
    if person is None:
        raise Open311Error(403, _("api_key 无效、已过期或已撤销"))
    token = ApiToken.objects.get(key_hash=token_digest(api_key.strip()))
    return person, token


def _text(data: QueryDict, name: str, limit: int) -> str:
    value = data.get(name, "").strip()
    if "\x00" in value:
        raise Open311Error(400, _("%(field)s 含有非法字符") % {"field": name})
    if len(value) > limit:
        raise Open311Error(400, _("%(field)s 不能超过 %(n)d 个字符") % {"field": name, "n": limit})
    return value


def _coordinate(data: QueryDict, name: str, bound: int) -> Decimal | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Open311Error(400, _("%(field)s 不是有效的数字") % {"field": name}) from None
    if not value.is_finite() or not -bound <= value <= bound:
        raise Open311Error(400, _("%(field)s 超出范围") % {"field": name})
    return value.quantize(Decimal("0.000001"))


def unit_by_code(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, kind__in=PLACE_KINDS, is_active=True).first()
    if unit is None:
        raise Open311Error(400, _("未找到代码为 %(code)s 的社区或街道") % {"code": code[:40]})
    return unit


def unit_named_in(address: str) -> Unit | None:
    """The community (or township) whose name appears in the address; the longest name wins."""
    return (
        Unit.objects.filter(kind__in=PLACE_KINDS, is_active=True)
        .annotate(given_address=Value(address, output_field=CharField()))
        .filter(given_address__contains=F("name"))
        .order_by("-depth", Length("name").desc(), "path")
        .first()
    )


def resolve_unit(address: str, address_id: str, unit_code: str, has_coordinates: bool) -> Unit:
    if unit_code:
        return unit_by_code(unit_code)
    if address_id:
        return unit_by_code(address_id)
    if address:
        unit = unit_named_in(address)
        if unit is not None:
            return unit
        raise Open311Error(
            400,
            _("无法从 address_string 确定所属社区：请写明社区（村）或街道名称，或提供 attribute[unit_code]"),
        )
    if has_coordinates:
        raise Open311Error(
            400,
            _(
                "仅凭经纬度无法确定所属社区：请提供 attribute[unit_code]（社区代码）或含社区名称的 address_string"
            ),
        )
    raise Open311Error(400, _("缺少位置：请提供 lat 和 long、address_string 或 address_id"))


def submit_request(data: QueryDict, idempotency_key: str = "") -> Created:
    """Validate everything, then create; raises Open311Error without writing anything on a refusal."""
    check_jurisdiction(data.get("jurisdiction_id", "").strip())
    person, api_token = client_for(data.get("api_key", ""))

    # Keys are per API token; intake stores them scoped to the caller, so look them up the same way.
    key = f"open311.{api_token.pk}.{idempotency_key.strip()}"[:IDEMPOTENCY_KEY_MAX] if idempotency_key.strip() else None
    stored_key = scoped_key(key, Actor(person=person))
    if stored_key:
        existing = Voice.objects.filter(idempotency_key=stored_key).select_related("open311").first()
        if existing is not None:
            return Created(voice=existing, token=existing.open311.token, replayed=True)

    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code"))
    category = Category.objects.filter(code=code[:40], is_active=True).first()
    if category is None:
        raise Open311Error(404, _("未知的 service_code：%(code)s") % {"code": code[:40]})

    attributes = {m.group(1): data.get(name, "") for name in data if (m := _ATTRIBUTE.match(name))}
    try:
        cleaned_attributes = clean_attributes(attributes)
    except ValueError as problem:
        raise Open311Error(400, str(problem)) from None

    description = _text(data, "description", DESCRIPTION_MAX)
    if not description:
        raise Open311Error(400, _("缺少 description：请描述所反映的问题"))
    if _HTML.search(description):
        raise Open311Error(400, _("description 不能包含 HTML"))

    lat, long = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, _("lat 和 long 必须同时提供"))
    address = _text(data, "address_string", 200)
    address_id = _text(data, "address_id", 32)
    unit = resolve_unit(address, address_id, cleaned_attributes.pop("unit_code", ""), lat is not None)

    email = _text(data, "email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email 格式不正确")) from None
    phone = _text(data, "phone", 20)
    if phone and not _PHONE.match(phone):
        raise Open311Error(400, _("phone 格式不正确"))
    name = f"{_text(data, 'last_name', 30)}{_text(data, 'first_name', 30)}".strip()
    media_url = _text(data, "media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url 不是有效的 http(s) 地址")) from None

    new = NewVoice(
        category=category,
        unit=unit,
        channel_code=ChannelCode.OPEN311,
        title=description.splitlines()[0][:30] or category.name,
        content=description,
        place=address,
        latitude=lat,
        longitude=long,
        contact_name=name,
        contact_phone=phone,
        contact_email=email,
        idempotency_key=key,
        origin={"open311_client": api_token.pk, "attributes": cleaned_attributes},
    )
    try:
        with transaction.atomic():
            voice = create_voice(new, actor=Actor(person=person))
            token = secrets.token_hex(16)
            Open311Request.objects.create(
                voice=voice, token=token, client=api_token, attributes=cleaned_attributes, media_url=media_url
            )
    except IntegrityError:
        # A concurrent replay of the same idempotency key won the race: answer with its request.
        if key is None:
            raise
        existing = Voice.objects.select_related("open311").get(idempotency_key=stored_key)
        return Created(voice=existing, token=existing.open311.token, replayed=True)
    return Created(voice=voice, token=token, replayed=False)
