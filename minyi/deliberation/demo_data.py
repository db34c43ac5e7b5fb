"""The demo council's member types, topic plans and minutes (data only)."""

from __future__ import annotations

from dataclasses import dataclass

from minyi.deliberation.models import MemberType

# The council's other members (besides the `council`, `deputy` and `cppcc` demo accounts), by type.
OTHER_MEMBER_TYPES = (
    MemberType.RESIDENT,
    MemberType.RESIDENT,
    MemberType.RESIDENT,
    MemberType.RESIDENT,
    MemberType.RESIDENT,
    MemberType.PARTY,
    MemberType.PARTY,
    MemberType.PUBLIC_UNIT,
    MemberType.PUBLIC_UNIT,
    MemberType.SOCIAL_ORG,
    MemberType.GOVERNANCE,
    MemberType.GOVERNANCE,
)


@dataclass(frozen=True)
class TopicPlan:
    """One demo topic: where it ends up and, for voted topics, how many held meetings ago it was voted."""

    title: str
    description: str
    area: str
    target: str  # proposed, invalid, reviewing, resolving, publicising, failed, closed
    meetings_ago: int = 0
    reason: str = ""
    plan: str = ""
    budget: str = "0"
    progress: tuple[str, ...] = ()
    feedback: str = ""


TOPICS: tuple[TopicPlan, ...] = (
    TopicPlan(
        "小区北门路段照明不足",
        "北门至菜市场一段约200米没有路灯，晚上老人和学生经过很不安全，建议增设路灯。",
        "environment",
        "closed",
        meetings_ago=8,
        plan="在北门至菜市场路段增设太阳能路灯8盏，由社区协调街道城管科实施。",
        budget="36000.00",
        progress=("已完成现场勘察，确定8个点位。", "路灯已安装6盏，剩余2盏待电力接入。"),
        feedback="8盏路灯已全部安装并通电使用，经居民代表现场验收合格。",
    ),
    TopicPlan(
        "老年活动室添置桌椅和空调",
        "老年活动室桌椅破旧，夏天没有空调，来活动的老人越来越少，建议更新设施。",
        "services",
        "closed",
        meetings_ago=7,
        plan="更换桌椅20套，安装空调2台，经费由社区公共服务资金列支。",
        budget="28500.00",
        progress=("桌椅已采购到位。",),
        feedback="桌椅和空调已安装完毕，活动室每天开放时间延长至晚上八点。",
    ),
    TopicPlan(
        "小区内增设收费停车位",
        "建议把小区中心绿地改为收费停车位，缓解停车难。",
        "daily_life",
        "failed",
        meetings_ago=5,
        plan="将中心绿地约600平方米改建为停车位40个，按月收费。",
        budget="180000.00",
    ),
    TopicPlan(
        "3栋至5栋楼道加装扶手",
        "3栋到5栋是老楼，没有电梯，楼道没有扶手，老人上下楼很吃力，希望加装扶手。",
        "community",
        "publicising",
        meetings_ago=2,
        plan="3至5栋共9个单元楼道加装不锈钢扶手，居民代表参与验收。",
        budget="42000.00",
        progress=("已与施工单位确定方案，首批3个单元完成安装。", "第二批3个单元正在施工。"),
    ),
    TopicPlan(
        "社区广场增设休闲座椅和遮阳棚",
        "社区广场白天晒、晚上人多，没有座椅，建议增设座椅和遮阳棚。",
        "services",
        "publicising",
        meetings_ago=1,
        plan="广场东西两侧增设座椅12张、遮阳棚2处，物业负责日常维护。",
        budget="31000.00",
        progress=("座椅已下单，预计两周内到货。",),
    ),
    TopicPlan(
        "垃圾分类投放点搬迁",
        "2栋旁的垃圾分类投放点离住户窗户太近，夏天气味大，建议挪到停车场东侧空地。",
        "environment",
        "resolving",
        plan="将投放点迁至停车场东侧空地，加装顶棚和洗手池，原址恢复绿化。",
        budget="15800.00",
    ),
    TopicPlan(
        "电动车集中充电棚建设",
        "楼道充电屡禁不止，建议在小区内建设电动车集中充电棚，按次收费。",
        "security",
        "reviewing",
    ),
    TopicPlan(
        "要求物业减免全年物业费",
        "物业服务质量差，要求物业公司减免全体业主全年物业费。",
        "daily_life",
        "invalid",
        reason="属于业主与物业公司之间的合同事项，建议通过业主大会或业委会协商；已转社区物业管理联席会跟进。",
    ),
    TopicPlan(
        "在小区内开设棋牌室",
        "建议社区在小区里开一间棋牌室，晚上开放到十二点。",
        "culture",
        "invalid",
        reason="深夜经营性棋牌活动易扰民，不符合社区公共用房使用规定；可在老年活动室白天开展棋类活动。",
    ),
    TopicPlan(
        "楼顶防水层破损漏水",
        "6栋楼顶防水层破损，顶楼三户下雨就漏水，墙皮大面积脱落。",
        "community",
        "proposed",
    ),
)
RESIDENT_TOPIC = TopicPlan(
    "社区卫生服务站延长服务时间",
    "社区卫生服务站下午五点就关门，上班族下班后看不了病、拿不了药，建议周末和晚上延长服务时间。",
    "services",
    "proposed",
)
MINUTES = (
    "通报上月议题办理进展；听取居民代表反映的意见建议；部署下月工作。",
    "通报议题办理情况，代表对公示中的议题提出督办意见；讨论小区环境整治。",
    "听取物业公司工作情况汇报；代表反映停车、绿化等问题，交社区“两委”商议。",
)
