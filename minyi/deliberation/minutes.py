"""The minutes of a meeting as a .docx (python-docx): what a community office prints and files."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from minyi.core.calendar import local_tz
from minyi.deliberation.actions.meetings import present_members, quorum
from minyi.deliberation.models import Meeting, ObserverState


def minutes_docx(meeting: Meeting) -> bytes:
    document = Document()
    document.add_heading(meeting.title, level=1)
    status = quorum(meeting)
    at = timezone.localtime(meeting.starts_at, local_tz())
    document.add_paragraph(_("时间：%(at)s") % {"at": at.strftime("%Y-%m-%d %H:%M")})
    if meeting.place:
        document.add_paragraph(_("地点：%(place)s") % {"place": meeting.place})
    document.add_paragraph(
        _("应到代表 %(members)d 人，实到 %(present)d 人（法定人数 %(required)d 人）。")
        % {"members": status.members, "present": status.present, "required": status.required}
    )
    document.add_paragraph(
        _("出席代表：%(names)s") % {"names": "、".join(p.name for p in present_members(meeting))}
    )
    observers = [
        r.person.name
        for r in meeting.observer_requests.filter(state=ObserverState.APPROVED).select_related("person")
    ]
    if observers:
        document.add_paragraph(_("列席：%(names)s") % {"names": "、".join(observers)})
    document.add_heading(_("议程"), level=2)
    for index, item in enumerate(meeting.agenda.select_related("topic"), start=1):
        document.add_paragraph(f"{index}. {item.topic.title}")
    document.add_heading(_("决定事项"), level=2)
    for decision in meeting.decisions.all():
        document.add_paragraph(decision.text, style="List Bullet")
    document.add_heading(_("会议纪要"), level=2)
    for line in (meeting.minutes or _("（未记录）")).splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
