"""Masking personal data for public display (O4 公示). Rules are documented in docs/public-record.md.

Masking is one-way and applies only to what the portal shows; the record itself keeps what was written.
"""

from __future__ import annotations

import re

from minyi.core.masking_names import mask_names
from minyi.core.masking_surnames import COMPOUND_SURNAMES

MASK = "*"
# Administrative levels an address may keep, deepest last; below the community everything is masked.
_ADMIN_LEVEL = re.compile(
    r"(?:自治区|省|自治州|市|州|盟|(?<!小)(?<!园)区|县|旗|街道|镇|乡|社区|居委会|村委会|村)"
)
_DIGITS = "0-9０-９"
# A run of digits joined by single spaces or hyphens (138 1234 1234, 0871-65123456), optional X check digit.
_DIGIT_RUN = re.compile(rf"[{_DIGITS}](?:[{_DIGITS}]|[- ](?=[{_DIGITS}]))*[Xx]?")
_MOBILE = re.compile(r"^(?:86)?1[3-9]\d{9}$")
_ID_NUMBER = re.compile(r"^(?:\d{17}[\dXx]|\d{15})$")
_LANDLINE = re.compile(r"^(0\d{2,3}[- ])(\d{7,8})$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# Runs with this many digits or more are masked in free text: phones, ID numbers, bank cards.
MASK_DIGITS_FROM = 7


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def mask_name(name: str) -> str:
    """张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**, 买买提·艾力 → 买**·**, John Smith → J* S*."""
    name = name.strip()
    if not name:
        return ""
    if any(_is_cjk(c) for c in name):
        keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        if len(name) == 1:
            return MASK
        # Separators in transliterated minority names (·, •) stay so the shape reads as a name.
        return name[:keep] + "".join(c if c in "·•・ " else MASK for c in name[keep:])
    words = name.split()
    return " ".join(word[0] + MASK for word in words)


def _mask_digits(run: str, keep_head: int, keep_tail: int) -> str:
    """Mask the digits of ``run`` except the first ``keep_head`` and last ``keep_tail``; keep separators."""
    digits = sum(1 for c in run if c.isdigit() or c in "Xx")
    out, seen = [], 0
    for c in run:
        if c.isdigit() or c in "Xx":
            out.append(c if seen < keep_head or seen >= digits - keep_tail else MASK)
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def _plain(value: str) -> str:
    return re.sub(r"[\s\-+()（）]", "", value.translate(_FULLWIDTH))


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; +86 138… keeps the prefix; 0871-65123456 → 0871-****3456."""
    phone = phone.strip()
    plain = _plain(phone)
    if not plain:
        return ""
    if _MOBILE.match(plain):
        mobile = plain[-11:]
        prefix = "+86 " if len(plain) == 13 else ""
        return f"{prefix}{mobile[:3]}****{mobile[-4:]}"
    # Landline: the area code (0 + 2–3 digits, before a separator) stays, the local number keeps 4.
    match = re.match(r"^\s*(\(?0\d{2,3}\)?)[\s\-]+(.+)$", phone.translate(_FULLWIDTH))
    if match:
        return f"{match.group(1)}-{_mask_digits(_plain(match.group(2)), 0, 4)}"
    return _mask_digits(plain, 0, 4 if len(plain) > 6 else 0)


def mask_id_number(id_number: str) -> str:
    """110101199001011234 → 110101********1234 (region code and last 4 kept, birth date hidden)."""
    plain = _plain(id_number).upper()
    if not plain:
        return ""
    if len(plain) in (15, 18):
        return plain[:6] + MASK * (len(plain) - 10) + plain[-4:]
    # Passports, Hong Kong/Macao permits and the like: first and last two characters.
    if len(plain) <= 4:
        return MASK * len(plain)
    return plain[:2] + MASK * (len(plain) - 4) + plain[-2:]


def mask_address(address: str, unit_name: str = "") -> str:
    """Keep the address down to the community: 金沙社区3栋2单元401 → 金沙社区****.

    With ``unit_name`` (the unit's name or full name) found in the address, everything after it is
    masked; otherwise the address is cut after its last administrative level (省/市/区/县/街道/镇/乡/
    社区/村…). An address with no recognisable level is masked whole.
    """
    address = address.strip()
    if not address:
        return ""
    name = unit_name.strip()
    end = address.index(name) + len(name) if name and name in address else -1
    if end < 0:
        levels = list(_ADMIN_LEVEL.finditer(address))
        end = levels[-1].end() if levels else 0
    kept = address[:end]
    return kept + "****" if end < len(address) else kept


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    plain = _plain(run).upper()
    digits = sum(1 for c in plain if c.isdigit())
    if digits < MASK_DIGITS_FROM:
        return run
    if _ID_NUMBER.match(plain):
        return _mask_digits(run.translate(_FULLWIDTH), 6, 4)
    if _MOBILE.match(plain):
        return _mask_digits(run.translate(_FULLWIDTH), len(plain) - 8, 4)
    landline = _LANDLINE.match(run.translate(_FULLWIDTH))
    if landline:
        return landline.group(1) + _mask_digits(landline.group(2), 0, 4)
    return _mask_digits(run.translate(_FULLWIDTH), 0, 4)


def mask_text(text: str) -> str:
    """Mask phone numbers, ID numbers and any other run of 7+ digits embedded in free text, and the
    personal names recognised in it (`masking_names`)."""
    return mask_names(_DIGIT_RUN.sub(_mask_run, text), MASK)
