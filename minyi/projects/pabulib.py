"""Reading and writing pabulib `.pb` files (META / PROJECTS / VOTES sections, `;`-separated).

`parse_pb` reads and validates a whole file before anything is stored: META's `num_projects` and
`num_votes` must match the rows, every vote must name known projects (each at most once), costs must
be positive numbers, and an approval vote must respect `max_length`. All problems are collected so the
error lists them together. Only approval ballots are supported (`vote_type` approval).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from minyi.core.errors import ActionError

MAX_PROBLEMS_LISTED = 20


@dataclass
class PbProject:
    key: str
    cost: Decimal
    name: str
    votes: int | None = None
    selected: bool | None = None
    category: str = ""


@dataclass
class PbFile:
    meta: dict[str, str]
    projects: list[PbProject]
    # identical ballots grouped: sorted tuple of project keys -> number of voters
    ballots: Counter[tuple[str, ...]] = field(default_factory=Counter)
    voters: int = 0

    @property
    def budget(self) -> Decimal:
        return Decimal(self.meta.get("budget", "0").replace(",", "."))

    def counts(self) -> dict[str, int]:
        votes = dict.fromkeys((p.key for p in self.projects), 0)
        for marks, n in self.ballots.items():
            for key in marks:
                votes[key] += n
        return votes


def _rows(lines: list[str]) -> list[list[str]]:
    return list(csv.reader(lines, delimiter=";"))


def parse_pb(text: str) -> PbFile:
    """Parse and validate; raises ActionError("pb_invalid") listing every problem found."""
    problems: list[str] = []
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.upper() in ("META", "PROJECTS", "VOTES"):
            current = stripped.upper()
            sections[current] = []
        elif current and stripped:
            sections[current].append(line)
    for name in ("META", "PROJECTS", "VOTES"):
        if name not in sections:
            problems.append(_("缺少 %(section)s 部分") % {"section": name})
    if problems:
        raise _invalid(problems)

    meta = {row[0].strip(): row[1].strip() for row in _rows(sections["META"][1:]) if len(row) >= 2}
    vote_type = meta.get("vote_type", "approval")
    if vote_type != "approval":
        problems.append(_("只支持赞成票（approval），本文件为 %(type)s") % {"type": vote_type})
    try:
        budget = Decimal(meta.get("budget", "").replace(",", "."))
        if not budget.is_finite() or budget <= 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("META 中的预算（budget）不是正数"))

    project_rows = _rows(sections["PROJECTS"])
    header = [h.strip() for h in project_rows[0]] if project_rows else []
    if "project_id" not in header or "cost" not in header:
        problems.append(_("PROJECTS 表头缺少 project_id 或 cost"))
        raise _invalid(problems)
    col = {name: i for i, name in enumerate(header)}
    projects: list[PbProject] = []
    seen: set[str] = set()
    for number, row in enumerate(project_rows[1:], start=1):
        key = row[col["project_id"]].strip() if len(row) > col["project_id"] else ""
        if not key:
            problems.append(_("PROJECTS 第 %(n)d 行缺少 project_id") % {"n": number})
            continue
        if key in seen:
            problems.append(_("项目编号 %(key)s 重复") % {"key": key})
            continue
        seen.add(key)
        try:
            cost = Decimal(row[col["cost"]].replace(",", "."))
            if not cost.is_finite() or cost <= 0:
                raise InvalidOperation
        except (InvalidOperation, IndexError):
            problems.append(_("项目 %(key)s 的费用不是正数") % {"key": key})
            continue

        def cell(name: str, r: list[str] = row) -> str:
            return r[col[name]].strip() if name in col and len(r) > col[name] else ""

        votes = cell("votes")
        selected = cell("selected")
        projects.append(
            PbProject(
                key=key,
                cost=cost,
                name=cell("name") or key,
                votes=int(votes) if votes.isdigit() else None,
                selected=(selected == "1") if selected in ("0", "1") else None,
                category=cell("category"),
            )
        )

    vote_rows = _rows(sections["VOTES"])
    vheader = [h.strip() for h in vote_rows[0]] if vote_rows else []
    if "vote" not in vheader:
        problems.append(_("VOTES 表头缺少 vote"))
        raise _invalid(problems)
    vcol = vheader.index("vote")
    max_length = meta.get("max_length", "")
    limit = int(max_length) if max_length.isdigit() else None
    ballots: Counter[tuple[str, ...]] = Counter()
    voters = 0
    unknown: Counter[str] = Counter()
    for number, row in enumerate(vote_rows[1:], start=1):
        voters += 1
        raw = row[vcol].strip() if len(row) > vcol else ""
        marks = [m.strip() for m in raw.split(",") if m.strip()]
        bad = [m for m in marks if m not in seen]
        if bad:
            unknown.update(bad)
            continue
        if len(set(marks)) != len(marks):
            problems.append(_("第 %(n)d 张选票重复选择同一项目") % {"n": number})
            continue
        if limit is not None and len(marks) > limit:
            problems.append(
                _("第 %(n)d 张选票选择了 %(count)d 个项目，超过上限 %(limit)d")
                % {"n": number, "count": len(marks), "limit": limit}
            )
            continue
        ballots[tuple(sorted(marks))] += 1
    for key, n in sorted(unknown.items()):
        problems.append(_("选票中出现未知项目编号 %(key)s（%(n)d 次）") % {"key": key, "n": n})

    declared = meta.get("num_projects", "")
    if declared and declared.strip() != str(len(project_rows) - 1):
        problems.append(
            _("META 声明 num_projects=%(declared)s，但 PROJECTS 有 %(rows)d 行")
            % {"declared": declared, "rows": len(project_rows) - 1}
        )
    declared_votes = meta.get("num_votes", "")
    if declared_votes and declared_votes.strip() != str(voters):
        problems.append(
            _("META 声明 num_votes=%(declared)s，但 VOTES 有 %(rows)d 行")
            % {"declared": declared_votes, "rows": voters}
        )
    if problems:
        raise _invalid(problems)
    return PbFile(meta=meta, projects=projects, ballots=ballots, voters=voters)


def _invalid(problems: list[str]) -> ActionError:
    listed = problems[:MAX_PROBLEMS_LISTED]
    more = len(problems) - len(listed)
    message = _("pabulib 文件有 %(n)d 处问题，未导入任何内容：") % {"n": len(problems)} + "；".join(listed)
    if more:
        message += _("……另有 %(more)d 处") % {"more": more}
    return ActionError("pb_invalid", message, {"field": "file", "problems": problems})


def write_pb(
    meta: dict[str, str], projects: list[PbProject], ballots: list[tuple[tuple[str, ...], int]]
) -> str:
    """A .pb file; `ballots` are (marks, multiplicity) and are written one voter per row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    voters = sum(n for _, n in ballots)
    full = dict(meta) | {
        "num_projects": str(len(projects)),
        "num_votes": str(voters),
        "vote_type": "approval",
    }
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in full.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", "votes", "name", "category", "selected"])
    for p in projects:
        selected = "" if p.selected is None else ("1" if p.selected else "0")
        writer.writerow([p.key, f"{p.cost.normalize():f}", p.votes or 0, p.name, p.category, selected])
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote"])
    voter = 0
    for marks, n in ballots:
        for _i in range(n):
            voter += 1
            writer.writerow([voter, ",".join(marks)])
    return out.getvalue()
