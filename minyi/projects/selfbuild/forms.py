"""Forms of the self-build staff page (P5), one per stage action. They parse; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.models import Person
from minyi.projects.delivery.models import Delivery, Milestone
from minyi.projects.forms import TEXTAREA
from minyi.projects.selfbuild.models import MaintenanceKind, Need, ProcurementKind, SelfBuildRound
from minyi.surveys.views.forms import lines

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PeopleField(forms.CharField):
    """People named one per line by user name or phone number; an unknown line is an error."""

    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value: Any) -> list[Person]:  # type: ignore[override]
        wanted = lines(super().clean(value) or "")
        found = list(Person.objects.filter(Q(username__in=wanted) | Q(phone__in=wanted), is_active=True))
        known = {p.username for p in found} | {p.phone for p in found if p.phone}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise forms.ValidationError(_("找不到以下人员：%(names)s") % {"names": "、".join(unknown)})
        return found


class SelfBuildForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    budget = forms.CharField(label=gettext_lazy("村级公共服务资金（元）"), max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class NeedForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=120, required=False)
    description = forms.CharField(
        label=gettext_lazy("需求说明"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    cost = forms.CharField(label=gettext_lazy("估算费用（元）"), max_length=20)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    raised_by = forms.CharField(label=gettext_lazy("提出人（组）"), max_length=60, required=False)


class DiscussionForm(forms.Form):
    record = forms.CharField(
        label=gettext_lazy("议事会议记录"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    held_on = forms.DateField(label=gettext_lazy("议事日期"), widget=DATE)
    attendance = forms.IntegerField(label=gettext_lazy("参会人数"))


class VoteForm(forms.Form):
    electorate = PeopleField(
        label=gettext_lazy("有表决权的村民（每行一个用户名或手机号）"),
        help_text=gettext_lazy("村民会议应到人员"),
    )
    present = PeopleField(label=gettext_lazy("到会村民（每行一个用户名或手机号）"))


class DecideForm(forms.Form):
    committee = forms.CharField(
        label=gettext_lazy("项目实施小组成员（村民议事会推选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProcurementForm(forms.Form):
    need = forms.ModelChoiceField(Need.objects.none(), label=gettext_lazy("项目"))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=ProcurementKind.choices)
    supplier = forms.CharField(label=gettext_lazy("供应商或施工方"), max_length=120, required=False)
    amount = forms.CharField(label=gettext_lazy("金额（元）"), max_length=20)
    document = forms.FileField(label=gettext_lazy("报价单或合同文件"), required=False)

    def __init__(self, *args: Any, round_: SelfBuildRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["need"]  # type: ignore[assignment]
        field.queryset = Need.objects.filter(round=round_, chosen=True).order_by("rank", "pk")


class PaymentForm(forms.Form):
    delivery = forms.ModelChoiceField(Delivery.objects.none(), label=gettext_lazy("项目"))
    amount = forms.CharField(label=gettext_lazy("金额（元）"), max_length=20)
    paid_on = forms.DateField(label=gettext_lazy("支付日期"), widget=DATE)
    payee = forms.CharField(label=gettext_lazy("收款单位"), max_length=120, required=False)
    purpose = forms.CharField(label=gettext_lazy("用途"), max_length=200, required=False)
    document = forms.FileField(label=gettext_lazy("支付凭证（发票、合同或支付单据）"), required=False)

    def __init__(self, *args: Any, deliveries: list[Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["delivery"]  # type: ignore[assignment]
        field.queryset = Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).order_by("pk")


class MilestoneForm(forms.Form):
    delivery = forms.ModelChoiceField(Delivery.objects.none(), label=gettext_lazy("项目"))
    title = forms.CharField(label=gettext_lazy("节点名称"), max_length=100, required=False)
    planned_start = forms.DateField(label=gettext_lazy("计划开始"), widget=DATE)
    planned_end = forms.DateField(label=gettext_lazy("计划完成"), widget=DATE)
    weight = forms.IntegerField(label=gettext_lazy("权重"), initial=1)

    def __init__(self, *args: Any, deliveries: list[Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["delivery"]  # type: ignore[assignment]
        field.queryset = Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).order_by("pk")


class CompleteForm(forms.Form):
    milestone = forms.ModelChoiceField(Milestone.objects.none(), label=gettext_lazy("节点"))
    actual_end = forms.DateField(label=gettext_lazy("实际完成"), widget=DATE)

    def __init__(self, *args: Any, deliveries: list[Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["milestone"]  # type: ignore[assignment]
        field.queryset = Milestone.objects.filter(
            delivery__in=[d.pk for d in deliveries], actual_end__isnull=True
        ).select_related("delivery")
        field.label_from_instance = lambda m: f"{m.delivery.title} · {m.title}"  # type: ignore[method-assign,assignment]


class ConcludeForm(forms.Form):
    caretaker = forms.CharField(
        label=gettext_lazy("管护人（用户名或手机号）"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("验收通过时必填"),
    )
    reason = forms.CharField(label=gettext_lazy("未通过时的整改说明"), max_length=500, required=False)

    def clean_caretaker(self) -> Person | None:
        name = self.cleaned_data["caretaker"].strip()
        if not name:
            return None
        person = Person.objects.filter(Q(username=name) | Q(phone=name), is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("找不到以下人员：%(names)s") % {"names": name})
        return person


class MaintenanceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("记录类型"), choices=MaintenanceKind.choices)
    done_on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    text = forms.CharField(
        label=gettext_lazy("管护记录"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class FindingForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("发现的问题"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class AnswerForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=gettext_lazy("整改答复"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
