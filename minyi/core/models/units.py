"""O1 — the jurisdiction tree, as a materialised path (treebeard MP_Node)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

PATH_MAX_LENGTH = 255


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    TOWNSHIP = "township", _("乡镇/街道")
    COMMUNITY = "community", _("村/社区")
    GRID = "grid", _("小组/网格/楼栋")
    DEPARTMENT = "department", _("职能部门")
    STATION = "station", _("代表联络站")
    COUNCIL = "council", _("议事会")
    SERVICE_POINT = "service_point", _("服务点")


# Which kinds may sit under which: the administrative chain plus bodies that hang off any level.
ADMINISTRATIVE_CHAIN = [UnitKind.CITY, UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.COMMUNITY, UnitKind.GRID]
ATTACHED_KINDS = {UnitKind.DEPARTMENT, UnitKind.STATION, UnitKind.COUNCIL, UnitKind.SERVICE_POINT}
ALLOWED_PARENT_KINDS: dict[str, set[str]] = {
    UnitKind.CITY: set(),
    UnitKind.DISTRICT: {UnitKind.CITY},
    UnitKind.TOWNSHIP: {UnitKind.DISTRICT, UnitKind.CITY},
    UnitKind.COMMUNITY: {UnitKind.TOWNSHIP},
    UnitKind.GRID: {UnitKind.COMMUNITY},
    UnitKind.DEPARTMENT: {UnitKind.CITY, UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.DEPARTMENT},
    UnitKind.STATION: {UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.COMMUNITY},
    UnitKind.COUNCIL: {UnitKind.CITY, UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.COMMUNITY, UnitKind.GRID},
    UnitKind.SERVICE_POINT: {UnitKind.TOWNSHIP, UnitKind.COMMUNITY},
}


def subtree_q(path: str, field: str = "path") -> Q:
    """Rows whose path lies in the subtree rooted at `path` (itself included).

    A range rather than LIKE: SQLite never uses an index for LIKE, and on PostgreSQL a range works
    under any collation because paths use only [0-9A-Z].
    """
    return Q(**{f"{field}__gte": path, f"{field}__lte": path + "Z" * (PATH_MAX_LENGTH - len(path))})


def ancestor_paths(path: str, steplen: int) -> list[str]:
    """Paths of every ancestor of `path` and of itself, root first."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


class Unit(MP_Node):  # type: ignore[misc]  # treebeard ships no type information
    # Fields are annotated because mypy cannot infer them on a subclass of an untyped base.
    steplen = 4
    path: str
    depth: int
    numchild: int
    pk: int
    objects: models.Manager[Unit]
    name: models.CharField[str, str] = models.CharField(_("名称"), max_length=120)
    kind: models.CharField[str, str] = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices)
    code: models.CharField[str | None, str | None] = models.CharField(
        _("行政区划代码/单位编码"), max_length=32, unique=True, null=True, blank=True,
        help_text=_("行政区划代码（如 530103）或本平台内的单位编码"),
    )
    is_active: models.BooleanField[bool, bool] = models.BooleanField(_("启用"), default=True)
    address: models.CharField[str, str] = models.CharField(_("地址"), max_length=200, blank=True)
    phone: models.CharField[str, str] = models.CharField(_("联系电话"), max_length=40, blank=True)
    created_at: models.DateTimeField[object, object] = models.DateTimeField(auto_now_add=True)

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = [models.Index(fields=["kind", "path"], name="unit_kind_path")]

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, field: str = "path") -> Q:
        return subtree_q(self.path, field)

    def ancestor_paths(self) -> list[str]:
        return ancestor_paths(self.path, self.steplen)

    def ancestors_and_self(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    def full_name(self) -> str:
        """Administrative full name, e.g. 示范市东城区青云街道金沙社区 (departments and stations excluded)."""
        return "".join(u.name for u in self.ancestors_and_self())
