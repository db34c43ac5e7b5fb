"""The role catalogue (O2). Process definitions, predicates and grants may name only these roles.

A role is granted on a unit and reaches that unit's subtree. Relational roles (e.g. the submitter of
an item) are not granted: the subject of a process answers whether a person holds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RoleDef:
    code: str
    label: str | Promise
    description: str | Promise
    staff: bool  # holds an office in a unit (barred from being a courier where that unit is concerned, V6)


ROLES: tuple[RoleDef, ...] = (
    RoleDef("admin", _("系统管理员"), _("管理单位、人员、角色与流程"), staff=True),
    RoleDef("leader", _("领导"), _("查看本辖区全部事项与统计，可督办"), staff=True),
    RoleDef("district_staff", _("区级工作人员"), _("区民情中心：分派牵头单位与协办单位"), staff=True),
    RoleDef("township_staff", _("乡镇（街道）工作人员"), _("乡镇（街道）民情中心：办理、上报或交办"), staff=True),
    RoleDef("community_staff", _("社区（村）两委成员"), _("社区（村）受理、办理与议题商议"), staff=True),
    RoleDef("station_staff", _("联络站工作人员"), _("代表联络站接待、登记与初筛"), staff=True),
    RoleDef("department_handler", _("部门承办人"), _("职能部门承办交办事项"), staff=True),
    RoleDef("hotline_operator", _("12345热线话务员"), _("登记热线来电"), staff=True),
    RoleDef("deputy", _("人大代表"), _("提出建议、督办、参加票决与评议"), staff=False),
    RoleDef("cppcc_member", _("政协委员"), _("提出提案、参加协商与评议"), staff=False),
    RoleDef("council_member", _("议事代表"), _("提出议题、表决、监督落实"), staff=False),
    RoleDef("courier", _("民情专递员"), _("走访入户、记录民情日记"), staff=False),
    RoleDef("evaluator", _("第三方评价机构"), _("独立开展满意度评价"), staff=False),
    RoleDef("supervisor", _("纪委监委"), _("监督执纪，查看事项全流程"), staff=True),
    RoleDef("procuratorate", _("检察院"), _("联合监督，查看事项全流程"), staff=True),
    RoleDef("inspector", _("督查室"), _("督查督办，查看事项全流程"), staff=True),
    RoleDef("finance", _("财政"), _("资金监管，只读并可提出问题"), staff=True),
    RoleDef("auditor", _("审计"), _("审计监督，只读并可提出问题"), staff=True),
    RoleDef("resident", _("居民/群众"), _("提交诉求、评价办理结果、参与议事与投票"), staff=False),
    RoleDef("enterprise", _("企业"), _("提交诉求、参与评价"), staff=False),
)

# Roles that a subject (not a grant) decides, e.g. "the person who submitted this item".
RELATIONAL_ROLES: tuple[RoleDef, ...] = (
    RoleDef("submitter", _("提交人"), _("提交本事项的人"), staff=False),
    RoleDef("assignee", _("承办人"), _("本事项被指定的承办人"), staff=False),
)

ROLE_BY_CODE: dict[str, RoleDef] = {role.code: role for role in ROLES}
RELATIONAL_ROLE_BY_CODE: dict[str, RoleDef] = {role.code: role for role in RELATIONAL_ROLES}
ROLE_CHOICES = [(role.code, role.label) for role in ROLES]
ALL_ROLE_CODES = frozenset(ROLE_BY_CODE) | frozenset(RELATIONAL_ROLE_BY_CODE)
STAFF_ROLE_CODES = frozenset(role.code for role in ROLES if role.staff)
# Roles that may see every item's trail in their scope, read-only (V3 joint supervision).
SUPERVISORY_ROLE_CODES = frozenset({"supervisor", "procuratorate", "inspector", "leader"})


def role_label(code: str) -> str:
    role = ROLE_BY_CODE.get(code) or RELATIONAL_ROLE_BY_CODE.get(code)
    return str(role.label) if role else code
