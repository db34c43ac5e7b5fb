"""Pages: deputies' suggestions and committee proposals (V5).

`voices:suggestions` — mine (proposer), co-signed, assigned to my department, dispatched in my scope;
`voices:suggestion_new` — file one; `voices:suggestion` — one suggestion with the forms of the steps
the reader may take now (assign, 面商, reply, rate, follow up, close).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.labels import describe
from minyi.core.engine.steps import acting_as
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.models.units import UnitKind
from minyi.voices.actions.suggestions import (
    PROCESS,
    ConsultationInput,
    SuggestionInput,
    do_assign_suggestion,
    do_close_suggestion,
    do_file_suggestion,
    do_follow_up_suggestion,
    do_rate_suggestion,
    do_record_consultation,
    do_reply_suggestion,
    instance_for,
    is_member_of_body,
)
from minyi.voices.models import (
    Category,
    FaceToFaceConsultation,
    Resolution,
    Satisfaction,
    SuggestionArea,
    Voice,
    VoiceKind,
)
from minyi.voices.suggest_rules import visible_suggestions

PAGE_SIZE = 50
KIND_CHOICES = [
    (VoiceKind.DEPUTY_SUGGESTION.value, VoiceKind.DEPUTY_SUGGESTION.label),
    (VoiceKind.CPPCC_PROPOSAL.value, VoiceKind.CPPCC_PROPOSAL.label),
]


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=KIND_CHOICES)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=100)
    content = forms.CharField(
        label=gettext_lazy("建议内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 8})
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("事项类别"), queryset=Category.objects.filter(is_active=True)
    )
    area = forms.ChoiceField(label=gettext_lazy("建议类别"), choices=SuggestionArea.choices)
    term = forms.CharField(
        label=gettext_lazy("届次"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("留空则使用您的代表（委员）届次"),
    )
    session = forms.CharField(
        label=gettext_lazy("会议"),
        max_length=40,
        initial=gettext_lazy("闭会期间"),
        help_text=gettext_lazy("如：第三次会议、闭会期间"),
    )
    expects_implementation = forms.BooleanField(
        label=gettext_lazy("要求落实（而非仅作解释答复）"), required=False, initial=True
    )
    co_signers = forms.CharField(
        label=gettext_lazy("附议人"),
        required=False,
        max_length=400,
        help_text=gettext_lazy("附议代表（委员）的用户名，以逗号分隔"),
    )

    def clean_co_signers(self) -> list[Person]:
        names = [
            n.strip() for n in self.cleaned_data["co_signers"].replace("，", ",").split(",") if n.strip()
        ]
        people = {p.username: p for p in Person.objects.filter(username__in=names)}
        missing = [n for n in names if n not in people]
        if missing:
            raise forms.ValidationError(_("找不到用户：%(names)s") % {"names": "、".join(missing)})
        return [people[n] for n in names]


class AssignForm(forms.Form):
    lead_department = forms.ModelChoiceField(label=gettext_lazy("承办单位"), queryset=Unit.objects.none())
    due_days = forms.IntegerField(
        label=gettext_lazy("办理期限（天）"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        min_value=1,
        max_value=180,
        required=False,
        help_text=gettext_lazy("留空按三个月"),
    )

    def __init__(self, *args: Any, dispatch_unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(
            dispatch_unit.subtree_q(), kind=UnitKind.DEPARTMENT, is_active=True
        )


class ConsultationForm(forms.Form):
    held_at = forms.DateTimeField(
        label=gettext_lazy("面商时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=gettext_lazy("面商地点"), max_length=200)
    department_attendees = forms.CharField(label=gettext_lazy("承办单位参加人员"), max_length=300)
    proposer_present = forms.BooleanField(
        label=gettext_lazy("代表（委员）本人参加"), required=False, initial=True
    )
    notes = forms.CharField(
        label=gettext_lazy("面商情况"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    resolution = forms.ChoiceField(
        label=gettext_lazy("办理结果"), choices=Resolution.choices, widget=forms.RadioSelect
    )
    no_consultation_reason = forms.CharField(
        label=gettext_lazy("未面商原因"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("未与代表（委员）面商即答复的，必须说明原因；计入面商率"),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("评价意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def _rows(voices: list[Voice]) -> list[tuple[Voice, ProcessInstance | None, str]]:
    instances = {
        i.subject_id: i
        for i in ProcessInstance.objects.filter(
            process=PROCESS, subject_type="voices.voice", subject_id__in=[str(v.pk) for v in voices]
        )
    }
    rows = []
    for voice in voices:
        instance = instances.get(str(voice.pk))
        rows.append((voice, instance, describe(instance).state if instance else ""))
    return rows


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    voices = list(
        visible_suggestions(person)
        .select_related("suggestion", "lead_department", "submitter")
        .order_by("-created_at", "-pk")[:PAGE_SIZE]
    )
    return render(
        request,
        "voices/suggestions/list.html",
        {
            "rows": _rows(voices),
            "may_file": person.has_perm("voices.file_suggestion"),
            "now": timezone.now(),
        },
    )


@login_required
def suggestion_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not person.has_perm("voices.file_suggestion"):
        raise PermissionDenied
    initial = {
        "kind": VoiceKind.DEPUTY_SUGGESTION if is_member_of_body(person, "npc") else VoiceKind.CPPCC_PROPOSAL
    }
    form = SuggestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            voice = do_file_suggestion(
                SuggestionInput(
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    category=data["category"],
                    area=data["area"],
                    term=data["term"],
                    session=data["session"],
                    expects_implementation=data["expects_implementation"],
                    co_signers=data["co_signers"],
                ),
                actor=Actor(
                    person=person,
                    role="deputy" if data["kind"] == VoiceKind.DEPUTY_SUGGESTION else "cppcc_member",
                ),
            )
        except ActionError as error:
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("已提交：%(n)s") % {"n": voice.suggestion.number_label})
            return redirect("voices:suggestion", pk=voice.pk)
    return render(request, "voices/suggestions/new.html", {"form": form}, status=400 if form.errors else 200)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "consult": ConsultationForm,
    "reply": ReplyForm,
    "rate": RateForm,
    "follow_up": ReasonForm,
    "close": forms.Form,
}
# Transitions of the process shown as one form on the page (reply covers both reply transitions).
FORM_OF_TRANSITION = {
    "assign": "assign",
    "consult": "consult",
    "reply": "reply",
    "reply_without_consultation": "reply",
    "rate": "rate",
    "follow_up": "follow_up",
    "close": "close",
}


def _make_form(step: str, voice: Voice, data: Any = None) -> forms.Form:
    if step == "assign":
        return AssignForm(data, dispatch_unit=voice.suggestion.dispatch_unit, prefix=step)
    return STEP_FORMS[step](data, prefix=step)


def _perform(step: str, voice: Voice, form: forms.Form, actor: Actor) -> None:
    data = form.cleaned_data
    if step == "assign":
        do_assign_suggestion(voice, data["lead_department"], actor=actor, due_days=data.get("due_days"))
    elif step == "consult":
        do_record_consultation(
            voice,
            ConsultationInput(
                held_at=data["held_at"],
                place=data["place"],
                department_attendees=data["department_attendees"],
                proposer_present=data["proposer_present"],
                notes=data["notes"],
            ),
            actor=actor,
        )
    elif step == "reply":
        do_reply_suggestion(
            voice,
            actor=actor,
            reply=data["reply"],
            resolution=data["resolution"],
            no_consultation_reason=data.get("no_consultation_reason", ""),
        )
    elif step == "rate":
        do_rate_suggestion(voice, actor=actor, satisfaction=data["satisfaction"], comment=data["comment"])
    elif step == "follow_up":
        do_follow_up_suggestion(voice, actor=actor, reason=data["reason"])
    elif step == "close":
        do_close_suggestion(voice, actor=actor)


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    voice = (
        visible_suggestions(person)
        .select_related(
            "suggestion__dispatch_unit",
            "suggestion__proposer_record",
            "lead_department",
            "submitter",
            "category",
        )
        .prefetch_related(
            "suggestion__co_signers",
            Prefetch("consultations", FaceToFaceConsultation.objects.select_related("department")),
        )
        .filter(pk=pk)
        .first()
    )
    if voice is None:
        raise Http404
    instance = instance_for(voice)
    allowed = runtime.available_transitions(instance, person)
    steps_by_form = {FORM_OF_TRANSITION[t.name]: t for t in allowed if t.name in FORM_OF_TRANSITION}
    if "follow_up" in steps_by_form and not (
        voice.suggestion.expects_implementation and voice.resolution == "answered"
    ):
        del steps_by_form["follow_up"]
    bound_step = request.POST.get("step") if request.method == "POST" else None
    forms_shown: dict[str, forms.Form] = {}
    status = 200
    for step in steps_by_form:
        form = _make_form(step, voice, request.POST if step == bound_step else None)
        if step == "reply" and instance.state != "assigned":
            del form.fields["no_consultation_reason"]  # already met the proposer
        if step == "consult" and step != bound_step:
            form.initial["held_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        forms_shown[step] = form
    if bound_step is not None:
        bound = forms_shown.get(bound_step)
        if bound is None:
            raise PermissionDenied
        if bound.is_valid():
            try:
                _perform(bound_step, voice, bound, acting_as(person, steps_by_form[bound_step], instance))
            except ActionError as error:
                field = error.details.get("field")
                bound.add_error(field if field in bound.fields else None, error.message)
            else:
                messages.success(
                    request, _("已办理：%(step)s") % {"step": steps_by_form[bound_step].title.zh}
                )
                return redirect("voices:suggestion", pk=voice.pk)
        status = 400
    return render(
        request,
        "voices/suggestions/detail.html",
        {
            "voice": voice,
            "details": voice.suggestion,
            "instance": instance,
            "state": describe(instance).state,
            "consultations": list(voice.consultations.all()),
            "forms": [(step, steps_by_form[step].title.zh, form) for step, form in forms_shown.items()],
        },
        status=status,
    )


urlpatterns = [
    path("suggestions/", suggestion_list, name="suggestions"),
    path("suggestions/new/", suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", suggestion_detail, name="suggestion"),
]
