"""Forms of the staff pages. They only parse; the actions validate against the survey's state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minyi.surveys.models import Access, Anonymity, QuestionKind


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SurveyForm(forms.Form):
    unit = forms.ChoiceField(label=_("所属单位"))
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    anonymity = forms.ChoiceField(label=_("记名方式"), choices=Anonymity.choices)
    open_at = forms.DateField(
        label=_("计划开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("到期自动开始答卷；留空则手动开始"),
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("分组标题"), max_length=200)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=500)
    section = forms.ChoiceField(label=_("所属分组"), required=False)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    options = forms.CharField(
        label=_("选项（每行一项）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("单选、多选题的选项，或矩阵题的量表列"),
    )
    rows = forms.CharField(
        label=_("矩阵行（每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    min_choices = forms.IntegerField(label=_("最少选择数"), required=False, min_value=0)
    max_choices = forms.IntegerField(label=_("最多选择数"), required=False, min_value=0)
    max_length = forms.IntegerField(label=_("字数上限"), required=False, min_value=1)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("群体名称"), max_length=100)
    weight = forms.DecimalField(label=_("权重"), max_digits=6, decimal_places=3, min_value=0)
    access = forms.ChoiceField(label=_("答卷方式"), choices=Access.choices)


class InviteForm(forms.Form):
    people = forms.CharField(
        label=_("答卷人（每行一个用户名或手机号）"), widget=forms.Textarea(attrs={"rows": 4})
    )
