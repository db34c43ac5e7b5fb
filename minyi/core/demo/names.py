"""Generated Chinese names, places, codes, addresses and phone numbers for demo and synthetic data.

Everything is drawn from a caller-supplied `random.Random`, so one seed always gives the same city.
The values only look real: the city, its roads and its people are invented.
"""

from __future__ import annotations

import random
from itertools import accumulate

# The most common surnames with their approximate share of the population (per mille), so a sample
# of generated people has the familiar mix of 王, 李, 张 and a long tail.
SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("王", 71.5),
    ("李", 71.2),
    ("张", 68.6),
    ("刘", 54.1),
    ("陈", 45.0),
    ("杨", 31.3),
    ("黄", 22.3),
    ("赵", 21.6),
    ("吴", 20.5),
    ("周", 19.8),
    ("徐", 16.0),
    ("孙", 15.4),
    ("马", 14.6),
    ("朱", 13.9),
    ("胡", 13.2),
    ("郭", 11.8),
    ("何", 11.7),
    ("林", 11.4),
    ("高", 11.3),
    ("罗", 10.9),
    ("郑", 9.9),
    ("梁", 9.7),
    ("谢", 8.1),
    ("宋", 7.6),
    ("唐", 7.5),
    ("许", 6.8),
    ("韩", 6.8),
    ("冯", 6.5),
    ("邓", 6.4),
    ("曹", 6.2),
    ("彭", 5.9),
    ("曾", 5.8),
    ("肖", 5.7),
    ("田", 5.6),
    ("董", 5.5),
    ("袁", 5.4),
    ("潘", 5.4),
    ("于", 5.3),
    ("蒋", 5.2),
    ("蔡", 5.1),
    ("余", 5.0),
    ("杜", 4.9),
    ("叶", 4.8),
    ("程", 4.7),
    ("苏", 4.6),
    ("魏", 4.5),
    ("吕", 4.4),
    ("丁", 4.3),
    ("任", 4.2),
    ("沈", 4.1),
    ("姚", 4.0),
    ("卢", 3.9),
    ("姜", 3.8),
    ("崔", 3.7),
    ("钟", 3.6),
    ("谭", 3.5),
    ("陆", 3.4),
    ("汪", 3.3),
    ("范", 3.2),
    ("金", 3.1),
    ("石", 3.0),
    ("廖", 2.9),
    ("贾", 2.8),
    ("夏", 2.7),
    ("韦", 2.6),
    ("付", 2.5),
    ("方", 2.4),
    ("白", 2.3),
    ("邹", 2.2),
    ("孟", 2.1),
    ("熊", 2.0),
    ("秦", 1.9),
    ("邱", 1.8),
    ("江", 1.7),
    ("尹", 1.6),
    ("薛", 1.5),
    ("闫", 1.4),
    ("段", 1.3),
    ("雷", 1.2),
    ("侯", 1.1),
    ("龙", 1.0),
    ("史", 1.0),
    ("陶", 0.9),
    ("黎", 0.9),
    ("贺", 0.8),
    ("顾", 0.8),
    ("毛", 0.7),
    ("郝", 0.7),
    ("龚", 0.6),
    ("邵", 0.6),
    ("万", 0.5),
    ("钱", 0.5),
    ("严", 0.5),
    ("覃", 0.4),
    ("武", 0.4),
    ("戴", 0.4),
    ("莫", 0.3),
    ("孔", 0.3),
    ("欧阳", 0.2),
    ("司马", 0.05),
    ("诸葛", 0.03),
)
SURNAMES = tuple(name for name, _ in SURNAME_WEIGHTS)
SURNAME_CUMULATIVE = tuple(accumulate(weight for _, weight in SURNAME_WEIGHTS))

GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅建国志文斌宇浩凯鹏飞鑫波辉亮林晨欣怡"
    "佳雪婷琳颖慧嘉子涵梓轩睿博思雨晴宁安康永春海云峰荣德兴新成蓉兰凤丹晓倩瑶琪嘉俊鸿远"
)

# Place-name syllables for districts, townships, communities and roads.
PLACE_FIRST = "东西南北青金白云翠碧龙凤锦华新兴安宁长和盛景秀清泉桂梅松柏杏桃梧桐文明光荣春晓"
PLACE_SECOND = "山湖江河源泽林园坪湾洲桥坝岭溪塘城苑庄冲营坡岗门阳丰华宁安城港桥"

DISTRICT_SUFFIXES = ("区", "区", "县")
TOWNSHIP_SUFFIXES = ("街道", "街道", "镇", "乡")
ROAD_SUFFIXES = ("路", "街", "大道", "巷", "路")
BUILDING_WORDS = ("小区", "花园", "家园", "苑", "新村")

# District-level offices a resident's matter is most often handed to.
DEPARTMENT_NAMES = (
    "住房和城乡建设局",
    "城市管理局",
    "教育局",
    "卫生健康局",
    "民政局",
    "人力资源和社会保障局",
    "交通运输局",
    "水务局",
    "市场监督管理局",
    "生态环境分局",
    "农业农村局",
    "自然资源分局",
    "应急管理局",
    "文化和旅游局",
)
CITY_DEPARTMENT_NAMES = ("政务服务管理局", "财政局")

# Mobile prefixes in current use; the numbers themselves are random.
MOBILE_PREFIXES = ("133", "135", "138", "139", "150", "158", "177", "180", "186", "189", "199")
# A fictional city needs a fictional area code: real codes start 01–09 with two to three more digits.
LANDLINE_AREA_CODE = "0990"


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUMULATIVE, k=1)[0]
    given_length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(given_length))


def place_stem(rng: random.Random, taken: set[str]) -> str:
    """A two-character place name not used before in this city."""
    while True:
        stem = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
        if stem not in taken:
            taken.add(stem)
            return stem


def road_name(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + rng.choice(ROAD_SUFFIXES)


def street_address(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{road_name(rng)}{rng.randint(1, 399)}号"


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))


def landline_number(rng: random.Random) -> str:
    return f"{LANDLINE_AREA_CODE}-{rng.randint(6, 8)}{rng.randint(0, 9_999_999):07d}"
