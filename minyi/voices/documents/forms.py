"""V1 — the three Wuhou forms (民情专递: 一事一记、一事一议、一事一馈) of one voice, as .docx.

收集登记表 (registration), 办理登记表 (handling: every step of the record), 办理情况反馈意见表
(feedback). They are internal documents: the submitter's name and phone appear in full only for
readers who may see contact data (`may_view_contact`); for everyone else they are masked, and so
are phone or ID numbers inside the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch

from minyi.core.engine.registry import get_definition
from minyi.core.masking import mask_name, mask_phone, mask_text
from minyi.core.models import Event, Person, ProcessInstance
from minyi.core.record.public import action_label
from minyi.core.roles import STAFF_ROLE_CODES
from minyi.core.scope import has_role
from minyi.voices.documents.access import may_view_contact
from minyi.voices.documents.docx_layout import (
    checkboxes,
    cn_datetime,
    field_rows,
    fill,
    grid,
    new_form,
    signature_line,
    to_bytes,
)
from minyi.voices.milestones import PROCESS, SUBJECT_TYPE
from minyi.voices.models import CoHandler, Resolution, Satisfaction, Voice


class FormKind(StrEnum):
    REGISTRATION = "registration"
    HANDLING = "handling"
    FEEDBACK = "feedback"


FORM_TITLES = {
    FormKind.REGISTRATION: "民情收集登记表",
    FormKind.HANDLING: "民情办理登记表",
    FormKind.FEEDBACK: "办理情况反馈意见表",
}
SYSTEM_NAME = "系统"
# Engine events that are not transitions of the definition.
ENGINE_STEP_LABELS = {
    f"{PROCESS}.start": "登记",
    f"{PROCESS}.override": "流程干预",
    f"{PROCESS}.overdue.remind": "超期提醒",
    f"{PROCESS}.overdue.escalate": "超期上交",
    f"{PROCESS}.overdue.transition": "超期自动流转",
}


@dataclass(frozen=True)
class Step:
    at: str
    unit: str
    handler: str
    action: str
    opinion: str


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


def load_voice(pk: int) -> Voice | None:
    return (
        Voice.objects.select_related(
            "category", "channel", "unit", "submitter", "registered_by", "lead_department"
        )
        .prefetch_related(
            Prefetch("co_handlers", CoHandler.objects.select_related("unit").order_by("assigned_at", "id"))
        )
        .filter(pk=pk)
        .first()
    )


def _instance(voice: Voice) -> ProcessInstance | None:
    return ProcessInstance.objects.filter(
        process=PROCESS, subject_type=SUBJECT_TYPE, subject_id=str(voice.pk)
    ).first()


def contact_for(viewer: Person, voice: Voice) -> Contact:
    name = voice.contact_name or (voice.submitter.name if voice.submitter else "")
    phone = voice.contact_phone or (voice.submitter.phone if voice.submitter else "")
    if may_view_contact(viewer, voice):
        return Contact(name, phone)
    return Contact(mask_name(name), mask_phone(phone))


def _text(viewer: Person, voice: Voice, text: str) -> str:
    return text if may_view_contact(viewer, voice) else mask_text(text)


def handling_steps(viewer: Person, voice: Voice, instance: ProcessInstance | None) -> list[Step]:
    """Every event of the voice's record, oldest first, in the form's columns.

    Handlers' names are shown to officials only (rule `core.view_process_names`); others see the unit.
    """
    names_visible = (
        viewer.has_perm("core.view_process_names", instance)
        if instance
        else has_role(viewer, STAFF_ROLE_CODES)
    )
    definition = get_definition(PROCESS, instance.version) if instance else None
    events = (
        Event.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(voice.pk))
        .select_related("actor", "actor_unit", "unit")
        .order_by("seq")
    )
    steps = []
    for event in events:
        transition = event.action.removeprefix(f"{PROCESS}.")
        if event.action in ENGINE_STEP_LABELS:
            label = ENGINE_STEP_LABELS[event.action]
        elif definition and event.action.startswith(f"{PROCESS}.") and transition in definition.transitions:
            label = definition.transitions[transition].title.zh
        else:
            label = action_label(event.action)
        unit = event.actor_unit or event.unit
        handler = SYSTEM_NAME if event.actor is None else (event.actor.name if names_visible else "")
        inputs = event.data.get("inputs") or {}
        opinion = [event.reason] if event.reason else []
        for key in ("reply", "comment", "note"):
            if isinstance(inputs.get(key), str) and inputs[key]:
                opinion.append(inputs[key])
        if isinstance(event.data.get("note"), str):
            opinion.append(event.data["note"])
        steps.append(
            Step(
                at=cn_datetime(event.occurred_at),
                unit=unit.name if unit else "",
                handler=handler,
                action=label,
                opinion=_text(viewer, voice, "\n".join(opinion)),
            )
        )
    return steps


def registration_form(viewer: Person, voice: Voice) -> bytes:
    contact = contact_for(viewer, voice)
    document = new_form(FORM_TITLES[FormKind.REGISTRATION], f"编号：{voice.tracking_code}")
    table = grid(document, 4)
    field_rows(
        table,
        [
            [("编号", voice.tracking_code), ("登记时间", cn_datetime(voice.created_at))],
            [("受理渠道", voice.channel.name), ("类别", voice.category.name)],
            [("反映人", contact.name), ("联系电话", contact.phone)],
            [("所属单位", voice.unit.full_name())],
            [("标题", voice.title)],
            [("反映内容", _text(viewer, voice, voice.content))],
            [("地点", voice.place)],
            [("登记人", voice.registered_by.name if voice.registered_by else "")],
        ],
        min_height={"反映内容": 80},
    )
    signature_line(document, "登记人")
    return to_bytes(document)


def handling_form(viewer: Person, voice: Voice) -> bytes:
    instance = _instance(voice)
    document = new_form(FORM_TITLES[FormKind.HANDLING], f"编号：{voice.tracking_code}")
    deadline = cn_datetime(instance.deadline_at) if instance and not instance.is_final else ""
    co_handlers = list(voice.co_handlers.all())
    notes = []
    if voice.is_supervised:
        notes.append("督办事项")
    if voice.duplicate_of_id:
        notes.append(f"重复事项，已并入 {voice.duplicate_of.tracking_code if voice.duplicate_of else ''}")
    for co in co_handlers:
        if co.opinion:
            notes.append(f"{co.unit.name}协办意见：{co.opinion}")
    header = grid(document, 4)
    field_rows(
        header,
        [
            [("编号", voice.tracking_code), ("登记时间", cn_datetime(voice.created_at))],
            [("标题", voice.title)],
            [("所属单位", voice.unit.full_name())],
            [
                ("牵头单位", voice.lead_department.name if voice.lead_department else ""),
                ("办理时限", deadline),
            ],
            [("协办单位", "、".join(co.unit.name for co in co_handlers))],
        ],
    )
    document.add_paragraph()
    steps_table = grid(document, 5)
    head = steps_table.add_row().cells
    for cell, label in zip(head, ("时间", "单位", "办理人", "办理环节", "办理意见"), strict=True):
        fill(cell, label, bold=True, center=True)
    for step in handling_steps(viewer, voice, instance):
        cells = steps_table.add_row().cells
        for cell, value in zip(
            cells, (step.at, step.unit, step.handler, step.action, step.opinion), strict=True
        ):
            fill(cell, value)
    document.add_paragraph()
    footer = grid(document, 4)
    field_rows(footer, [[("备注", "\n".join(notes))]], min_height={"备注": 20})
    signature_line(document, "经办人")
    return to_bytes(document)


def feedback_form(viewer: Person, voice: Voice) -> bytes:
    contact = contact_for(viewer, voice)
    document = new_form(FORM_TITLES[FormKind.FEEDBACK], f"编号：{voice.tracking_code}")
    table = grid(document, 4)
    field_rows(
        table,
        [
            [("编号", voice.tracking_code), ("登记时间", cn_datetime(voice.created_at))],
            [("反映人", contact.name), ("联系电话", contact.phone)],
            [("标题", voice.title)],
            [
                ("牵头单位", voice.lead_department.name if voice.lead_department else ""),
                ("答复时间", cn_datetime(voice.replied_at)),
            ],
            [("答复内容", _text(viewer, voice, voice.reply))],
            [("办理结果", checkboxes([(c.value, str(c.label)) for c in Resolution], voice.resolution))],
            [("满意度", checkboxes([(c.value, str(c.label)) for c in Satisfaction], voice.satisfaction))],
            [("评价意见", _text(viewer, voice, voice.feedback_comment))],
            [("反馈时间", cn_datetime(voice.feedback_at))],
        ],
        min_height={"答复内容": 60, "评价意见": 30},
    )
    signature_line(document, "反映人")
    return to_bytes(document)


RENDERERS = {
    FormKind.REGISTRATION: registration_form,
    FormKind.HANDLING: handling_form,
    FormKind.FEEDBACK: feedback_form,
}


def render_form(kind: FormKind, viewer: Person, voice: Voice) -> bytes:
    return RENDERERS[kind](viewer, voice)


def form_filename(kind: FormKind, voice: Voice) -> str:
    return f"{voice.tracking_code}-{FORM_TITLES[kind]}.docx"
