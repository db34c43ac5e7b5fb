"""Categories of voices (诉求类别), each also an Open311 service (its code is the service_code).

The defaults follow the classification a Chinese district's 12345 hotline and 民情中心 use; a
deployment renames, deactivates or adds categories in the admin, never recodes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from minyi.core.actors import Actor
from minyi.core.record.write import record_event
from minyi.voices.models import Category

SORT_STEP = 10


@dataclass(frozen=True)
class DefaultCategory:
    code: str
    name: str
    group: str
    description: str
    keywords: str


# Names are stored in Chinese (the site language); the Open311 codes are stable ASCII identifiers.
DEFAULT_CATEGORIES: tuple[DefaultCategory, ...] = (
    DefaultCategory(
        "roads",
        "道路交通",
        "城市建设",
        "道路破损、井盖缺失、交通设施损坏",
        "道路,路面,坑洼,井盖,红绿灯,斑马线",
    ),
    DefaultCategory(
        "street-lighting", "路灯照明", "城市建设", "路灯不亮、亮灯时间不合理", "路灯,照明,不亮,灯坏"
    ),
    DefaultCategory(
        "sanitation", "环境卫生", "城市管理", "垃圾清运、公厕、卫生死角", "垃圾,清运,公厕,卫生,垃圾桶"
    ),
    DefaultCategory(
        "property", "物业管理", "住房保障", "物业服务、维修资金、业委会", "物业,电梯,维修,物业费,业委会"
    ),
    DefaultCategory("noise", "噪声扰民", "生态环境", "施工、商铺、广场舞噪声", "噪音,噪声,施工,扰民,广场舞"),
    DefaultCategory(
        "parking", "停车管理", "城市管理", "停车难、乱停车、占用消防通道", "停车,车位,乱停,消防通道"
    ),
    DefaultCategory(
        "elderly-care", "养老服务", "民生保障", "老年食堂、居家养老、助老服务", "养老,老人,助餐,老年食堂,适老"
    ),
    DefaultCategory("education", "教育", "民生保障", "入学、托育、校园周边", "学校,入学,学位,幼儿园,托育"),
    DefaultCategory(
        "healthcare", "医疗卫生", "民生保障", "社区医院、看病就医、疫苗", "医院,卫生服务中心,看病,医保,疫苗"
    ),
    DefaultCategory(
        "social-security",
        "社会保障",
        "民生保障",
        "社保、低保、就业、残疾人服务",
        "社保,低保,养老金,就业,补贴",
    ),
    DefaultCategory("market", "市场监管", "市场秩序", "食品安全、价格、消费纠纷", "食品,价格,消费,商家,过期"),
    DefaultCategory(
        "housing",
        "住房保障",
        "住房保障",
        "保障房、老旧小区改造、加装电梯",
        "住房,公租房,老旧小区,改造,加装电梯",
    ),
    DefaultCategory(
        "environment", "生态环境", "生态环境", "空气、水体、油烟、绿化", "污染,油烟,河道,绿化,异味"
    ),
    DefaultCategory(
        "public-security", "社会治安", "平安建设", "治安隐患、消防安全、矛盾纠纷", "治安,安全,消防,纠纷,隐患"
    ),
    DefaultCategory(
        "utilities", "水电气", "公用事业", "停水停电停气、管网、缴费", "停水,停电,燃气,水压,管道"
    ),
    DefaultCategory(
        "project_supervision", "民生项目监督", "项目监督", "民生实事、村民自建等项目建设中的问题（民呼我督）",
        "工程,施工,质量,进度,项目"
    ),
    DefaultCategory("other", "其他", "其他", "不属于以上类别的事项", ""),
)


def active_categories() -> QuerySet[Category]:
    """Categories a new item may be filed under, in display order (forms, Open311 services)."""
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


@transaction.atomic
def ensure_default_categories(*, actor: Actor) -> list[Category]:
    """Create every default category that does not exist yet; return the ones created.

    Idempotent: an existing category keeps the name, state and order a deployment gave it.
    """
    existing = set(Category.objects.values_list("code", flat=True))
    created: list[Category] = []
    for position, default in enumerate(DEFAULT_CATEGORIES, start=1):
        if default.code in existing:
            continue
        category = Category.objects.create(
            code=default.code,
            name=default.name,
            group=default.group,
            description=default.description,
            keywords=default.keywords,
            sort_order=position * SORT_STEP,
        )
        record_event(
            actor=actor,
            action="voices.category.create",
            subject=category,
            unit=None,
            public=True,
            data={"code": category.code, "name": category.name, "group": category.group},
        )
        created.append(category)
    return created
