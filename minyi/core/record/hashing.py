"""Canonical serialisation, hashing and signing of events, identical on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from minyi.core.record.trail import GENESIS, canonical, event_hash

__all__ = ["GENESIS", "canonical", "event_hash", "normalise", "sign", "signature_ok", "timestamp"]

# Floats at or above this size print in exponent form ("1e+16"); PostgreSQL's numeric prints them as
# integers, which json.loads reads back as int, so they are stored as int from the start.
_EXPONENT_FLOAT = 1e16


def _settle(value: Any) -> Any:
    """Bring JSON values to the form PostgreSQL jsonb gives back, so a row's hash survives a round trip."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("the public record cannot hold NaN or infinity")
        if value == 0:
            return 0.0  # jsonb has no negative zero
        if abs(value) >= _EXPONENT_FLOAT:
            return int(value)
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("the public record cannot hold NUL characters (jsonb rejects them)")
        value.encode("utf-8")  # lone surrogates cannot be stored: fail here, not at commit
        return value
    if isinstance(value, list):
        return [_settle(item) for item in value]
    if isinstance(value, dict):
        return {_settle(key): _settle(item) for key, item in value.items()}
    return value


def normalise(data: Any) -> Any:
    """What the database will give back: JSON types only (dates as ISO strings, decimals as strings)."""
    return _settle(json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)))


def timestamp(moment: datetime) -> str:
    """Microsecond UTC timestamp: both databases store this precision."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign(purpose: str, message: str) -> str:
    """HMAC-SHA256 with the audit key; ``purpose`` keeps an event's signature from passing as a head's."""
    key = settings.MINYI_AUDIT_KEY.encode("utf-8")
    return hmac.new(key, f"{purpose}:{message}".encode(), hashlib.sha256).hexdigest()


def signature_ok(purpose: str, message: str, signature: str) -> bool:
    return hmac.compare_digest(sign(purpose, message), signature or "")


def head_message(chain: str, seq: int, digest: str) -> str:
    return f"{chain}\n{seq}\n{digest}"
