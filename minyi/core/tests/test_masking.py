"""Masking personal data for the portal: the documented examples and never-leak properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minyi.core.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("张", "*"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J* S*"),
        ("  李四 ", "李*"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("+86 138 1234 1234", "+86 138****1234"),
        ("１３８１２３４１２３４", "138****1234"),
        ("0871-65123456", "0871-****3456"),
        ("010 12345678", "010-****5678"),
        ("65123456", "****3456"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199001011234", "110101********1234"),
        ("11010119900101123x", "110101********123X"),
        ("110101900101123", "110101*****1123"),
        ("E12345678", "E1*****78"),
        ("123", "***"),
    ],
)
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("address", "unit", "masked"),
    [
        ("金沙社区3栋2单元401", "", "金沙社区****"),
        ("金沙社区3栋2单元401", "金沙社区", "金沙社区****"),
        ("示范市东城区青云街道金沙社区幸福小区5栋", "金沙社区", "示范市东城区青云街道金沙社区****"),
        ("青云街道人民路88号", "", "青云街道****"),
        ("幸福小区5栋301", "", "****"),
        ("金沙社区", "金沙社区", "金沙社区"),
        ("", "金沙社区", ""),
    ],
)
def test_mask_address(address, unit, masked):
    assert mask_address(address, unit) == masked


def test_mask_text_finds_embedded_numbers():
    text = "张三电话13812341234，身份证110101199001011234，座机0871-65123456，2024年3月有3人，编号12345"
    assert mask_text(text) == (
        "张三电话138****1234，身份证110101********1234，座机0871-****3456，2024年3月有3人，编号12345"
    )


mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
id_numbers = st.from_regex(r"\A[1-6][0-9]{16}[0-9X]\Z")
landlines = st.from_regex(r"\A0[1-9][0-9]{1,2}-?[2-8][0-9]{6,7}\Z")
surroundings = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit() or c == "X")


@settings(max_examples=300, deadline=None)
@given(before=surroundings, secret=st.one_of(mobiles, id_numbers, landlines), after=surroundings)
def test_mask_text_never_leaks_a_full_number(before, secret, after):
    masked = mask_text(before + secret + after)
    assert secret not in masked
    assert _digits(secret) not in masked


@settings(max_examples=200, deadline=None)
@given(phone=st.one_of(mobiles, landlines))
def test_mask_phone_never_leaks(phone):
    masked = mask_phone(phone)
    assert _digits(phone) not in _digits(masked) and phone not in masked


@settings(max_examples=200, deadline=None)
@given(number=id_numbers)
def test_mask_id_number_hides_birth_date(number):
    masked = mask_id_number(number)
    assert number not in masked and number[6:14] not in masked
    assert masked == number[:6] + "*" * 8 + number[-4:]
