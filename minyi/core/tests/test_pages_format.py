import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from minyi.core.templatetags.minyi_format import cn_date, cn_datetime, html_lang, money, money_short

UTC = dt.UTC


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


def test_dates_in_chinese(zh):
    assert cn_date(dt.date(2026, 11, 22)) == "2026年11月22日"
    assert cn_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    # 06:05 UTC is 14:05 in Shanghai: datetimes are shown in local time.
    assert cn_datetime(dt.datetime(2026, 11, 22, 6, 5, tzinfo=UTC)) == "2026年11月22日 14:05"
    # Late evening UTC is already the next day in Shanghai.
    assert cn_date(dt.datetime(2026, 11, 21, 20, 0, tzinfo=UTC)) == "2026年11月22日"
    assert cn_date(None) == "" and cn_datetime(None) == ""


def test_dates_in_english(en):
    assert cn_date(dt.date(2026, 11, 22)) == "22 Nov 2026"
    local = dt.datetime(2026, 11, 22, 14, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert cn_datetime(local) == "22 Nov 2026 14:05"


def test_money_in_chinese(zh):
    assert money(12345) == "12,345.00元"
    assert money(Decimal("0.5")) == "0.50元"
    assert money("1234.565") == "1,234.57元"
    assert money(None) == "" and money("abc") == ""
    assert money_short(7_400_000) == "740万元"
    assert money_short(12_345) == "1.23万元"
    assert money_short(15_000) == "1.5万元"
    assert money_short(10_000) == "1万元"
    assert money_short(1_200_000_000) == "120,000万元"
    assert money_short(9_999.5) == "9,999.50元"


def test_money_in_english(en):
    assert money(12345) == "¥12,345.00"
    assert money(-5) == "-¥5.00"
    assert money_short(7_400_000) == "¥7.4 million"
    assert money_short(1_000_000) == "¥1 million"
    assert money_short(12_345) == "¥12,345.00"


def test_filters_in_templates(zh):
    template = Template("{% load minyi_format %}{{ d|cn_date }} {{ a|money_short }}")
    assert template.render(Context({"d": dt.date(2026, 11, 22), "a": 7_400_000})) == "2026年11月22日 740万元"


def test_html_lang():
    assert html_lang("zh-hans") == "zh-Hans"
    assert html_lang("en") == "en"
