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
        "张*电话138****1234，身份证110101********1234，座机0871-****3456，2024年3月有3人，编号12345"
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


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("联系人王建国，电话13812345678", "联系人王**，电话138****5678"),
        ("我是5栋的李秀英，楼下噪音扰民", "我是5栋的李**，楼下噪音扰民"),
        ("居民代表陈志明、林小红参加了议事会", "居民代表陈**、林**参加了议事会"),
        ("欧阳娜娜和司马光在小区门口摔倒了", "欧阳**和司马*在小区门口摔倒了"),
        ("请城管局尽快处理，谢谢！韩梅梅", "请城管局尽快处理，谢谢！韩**"),
        ("我叫何平，今年60岁", "我叫何*，今年60岁"),
        ("负责人刘强", "负责人刘*"),
    ],
)
def test_mask_text_masks_names_in_free_text(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "张先生反映小区垃圾清运不及时，王阿姨和周大爷也同意",  # honorifics are how boards write people
        "金沙社区门口路灯不亮，黄河路与长江路交叉口积水严重",  # places that start with a surname
        "已于本周解决，何时能修好请告知，成华区文明办已回复",  # surnames that are ordinary characters
        "林荫道树木修剪，石羊场附近占道经营，马家村村民反映",
        "马路对面晚上张贴小广告，谢谢社区干部",  # words jieba's dictionary tags as names
    ],
)
def test_mask_text_leaves_ordinary_words(text):
    assert mask_text(text) == text
