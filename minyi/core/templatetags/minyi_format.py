"""Dates and money the way Chinese offices write them (and a plain English form for the English UI).

    {% load minyi_format %}
    {{ day|cn_date }}             2026年11月22日      22 Nov 2026
    {{ moment|cn_datetime }}      2026年11月22日 14:05  22 Nov 2026 14:05
    {{ amount|money }}            12,345.00元         ¥12,345.00
    {{ amount|money_short }}      740万元             ¥7.4 million

The functions are plain Python too, so the API and documents can format the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone, translation

from minyi.core.calendar import local_tz

register = template.Library()

ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WAN = Decimal(10_000)
MILLION = Decimal(1_000_000)
CENTS = Decimal("0.01")


def _english() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, local_tz()) if timezone.is_aware(value) else value


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    if _english():
        return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    local = _local(value)
    return f"{cn_date(local.date())} {local:%H:%M}"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _trimmed(amount: Decimal) -> str:
    """Up to two decimals, trailing zeros dropped, thousands grouped: 740, 1.5, 12,000.25."""
    rounded = amount.quantize(CENTS, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.2f}".rstrip("0").rstrip(".")
    return text


@register.filter
def money(value: object) -> str:
    """An exact amount in yuan: 12,345.00元 / ¥12,345.00."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = f"{amount.quantize(CENTS, rounding=ROUND_HALF_UP):,.2f}"
    if _english():
        return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"
    return f"{text}元"


@register.filter
def money_short(value: object) -> str:
    """A rounded amount for tables and headlines: ≥ 10,000 yuan in 万元 (740万元); ¥7.4 million in English."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if _english():
        if abs(amount) >= MILLION:
            return f"¥{_trimmed(amount / MILLION)} million"
        return money(amount)
    if abs(amount) >= WAN:
        return f"{_trimmed(amount / WAN)}万元"
    return money(amount)


@register.filter
def html_lang(language_code: str) -> str:
    """Django's language code as a BCP 47 tag for <html lang>: zh-hans → zh-Hans."""
    return translation.to_locale(language_code or "zh-hans").replace("_", "-")
