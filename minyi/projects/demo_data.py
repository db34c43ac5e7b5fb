"""The demo city's livelihood-project plans, milestones and deputies' suggestions (data only)."""

from __future__ import annotations

from dataclasses import dataclass

SEATS = 5


@dataclass(frozen=True)
class ProjectPlan:
    title: str
    description: str
    category: str
    cost: str
    place: str
    beneficiaries: int
    source: str  # resident, station, deputy, voice
    include: bool = True
    reason: str = "符合民生实事项目条件，群众受益面广，年内可以完成。"


THIS_YEAR: tuple[ProjectPlan, ...] = (
    ProjectPlan(
        "老旧小区加装电梯（首批12部）",
        "为6个老旧小区加装电梯12部，解决老人上下楼难。",
        "elderly",
        "3600000",
        "新坪街道6个老旧小区",
        1800,
        "station",
    ),
    ProjectPlan(
        "社区嵌入式养老服务中心建设",
        "在桃城社区建设嵌入式养老服务中心，提供助餐、日间照料。",
        "elderly",
        "1500000",
        "桃城社区党群服务中心",
        2600,
        "resident",
    ),
    ProjectPlan(
        "背街小巷路面改造",
        "对12条背街小巷破损路面进行改造，完善排水。",
        "roads",
        "2200000",
        "文岭街道背街小巷",
        9000,
        "deputy",
    ),
    ProjectPlan(
        "中小学校门口护学通道",
        "在5所中小学校门口建设护学通道和临时停车区。",
        "education",
        "680000",
        "全区5所中小学",
        7500,
        "resident",
    ),
    # Made from a voice: the project keeps the voice's title (e.g. 路面坑洼积水).
    ProjectPlan(
        "城区积水点改造",
        "改造易涝积水点8处，更换雨水管网。",
        "water",
        "860000",
        "群众反映的易涝、破损路段",
        20000,
        "voice",
    ),
    ProjectPlan(
        "全民健身步道建设",
        "沿河滨建设健身步道3公里，配套照明和休息设施。",
        "culture",
        "1200000",
        "荣苑镇河滨",
        15000,
        "station",
    ),
    ProjectPlan(
        "农贸市场提质改造",
        "改造农贸市场排水、通风和摊位，规范经营。",
        "environment",
        "950000",
        "桐城镇农贸市场",
        12000,
        "resident",
    ),
    ProjectPlan(
        "社区卫生服务站标准化建设",
        "2个社区卫生服务站按标准改造，增加诊室和设备。",
        "health",
        "800000",
        "晓溪社区、南河社区",
        11000,
        "deputy",
    ),
    ProjectPlan(
        "新建城区大型停车楼",
        "新建停车楼一座，车位600个。",
        "roads",
        "45000000",
        "新坪街道",
        30000,
        "resident",
        False,
        "投资规模超出民生实事项目范围，已转交区发展改革部门纳入重点项目库研究。",
    ),
    ProjectPlan(
        "小区门口安装充电桩",
        "在小区门口安装充电桩10个。",
        "safety",
        "150000",
        "青苑社区",
        800,
        "resident",
        False,
        "属于物业和充电运营企业的经营性项目，已转社区协调物业办理。",
    ),
)
LAST_YEAR: tuple[ProjectPlan, ...] = (
    ProjectPlan(
        "老年助餐点建设（8个）",
        "在8个社区建设老年助餐点。",
        "elderly",
        "960000",
        "全区8个社区",
        4000,
        "station",
    ),
    ProjectPlan(
        "农村饮水安全巩固提升",
        "更新3个村的供水管网，新建蓄水池。",
        "water",
        "1800000",
        "荣苑镇、桐城镇3个村",
        6000,
        "deputy",
    ),
    ProjectPlan(
        "公厕新建改造（20座）", "新建改造城乡公厕20座。", "environment", "1400000", "全区", 25000, "resident"
    ),
    ProjectPlan(
        "社区儿童之家建设",
        "建设社区儿童之家6个。",
        "education",
        "420000",
        "新坪街道6个社区",
        3000,
        "resident",
    ),
    ProjectPlan(
        "路灯亮化补盲", "在无路灯路段增设路灯300盏。", "safety", "1100000", "城乡接合部", 18000, "station"
    ),
)
# Marks of the deputies' ballots by candidate position (the shortlist order); 1 = approves.
THIS_YEAR_MARKS = (
    (0, 1, 2, 4, 5),
    (0, 1, 2, 4, 6),
    (0, 1, 3, 4, 7),
    (0, 1, 2, 4, 5),
    (1, 2, 4, 5, 7),
    (0, 2, 3, 4, 6),
    (0, 1, 2, 5),
)
LAST_YEAR_MARKS = ((0, 1, 2), (0, 1, 4), (0, 2, 4), (0, 1, 2), (1, 2, 3), (0, 1, 4), (0, 2))
MILESTONES = (("方案设计", 1), ("招标采购", 1), ("施工建设", 4), ("竣工验收", 1))
PAYEES = ("示范市城建工程有限公司", "示范市市政设计院", "云庄建设集团有限公司", "示范市安装工程有限公司")
# (title, content, cost, rural); "{t}" is the township the suggestion concerns (a 镇 or 乡 when rural).
SUGGESTIONS = (
    (
        "关于修缮{t}村级便民桥的建议",
        "{t}多座便民桥年久失修，桥面开裂，雨季存在安全隐患，建议列入专项资金修缮。",
        "680000",
        True,
    ),
    ("关于{t}农村道路安装防护栏的建议", "{t}多条村道临水临崖，缺少防护栏，建议尽快安装。", "450000", True),
    (
        "关于{t}老旧小区消防设施更新的建议",
        "{t}老旧小区消防栓锈蚀、灭火器过期，建议统一更新。",
        "380000",
        False,
    ),
    (
        "关于{t}文化广场照明改造的建议",
        "{t}文化广场照明不足，晚上跳舞健身的居民多，建议改造照明。",
        "260000",
        False,
    ),
    (
        "关于{t}卫生院添置医疗设备的建议",
        "{t}卫生院缺少彩超等基本设备，群众看病要跑到城区，建议添置。",
        "900000",
        True,
    ),
)
