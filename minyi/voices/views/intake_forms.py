"""Forms of the intake pages; validation of substance is the actions' (minyi/voices/actions/intake.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from minyi.core.models import Channel
from minyi.voices.actions.categories import active_categories
from minyi.voices.actions.intake import (
    CONTACT_NAME_MAX,
    IDEMPOTENCY_KEY_MAX,
    INTAKE_KINDS,
    PLACE_MAX,
    TITLE_MAX,
    VoiceInput,
)

TEXT_INPUT_CLASS = {"class": "input"}


class VoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("事项类型"), choices=[(k.value, k.label) for k in INTAKE_KINDS])
    category = forms.ChoiceField(label=_("类别"))
    unit = forms.IntegerField(label=_("所在社区（村）"), widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("标题"), max_length=TITLE_MAX, help_text=_("一句话概括，如：小区路灯不亮")
    )
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 6}))
    place = forms.CharField(
        label=_("地点描述"), max_length=PLACE_MAX, required=False, help_text=_("如：3栋门口、菜市场东侧路口")
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=CONTACT_NAME_MAX, required=False)
    contact_phone = forms.CharField(
        label=_("手机号码"), max_length=20, required=False, help_text=_("仅办理人员可见，对外公示时隐去")
    )
    contact_email = forms.EmailField(label=_("电子邮箱"), required=False)
    wants_public = forms.BooleanField(
        label=_("同意公开"), required=False, help_text=_("同意在公示栏公开本事项（个人信息会隐去）")
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=IDEMPOTENCY_KEY_MAX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        content_max = settings.MINYI_VOICE_CONTENT_MAX
        self.fields["content"].max_length = content_max  # type: ignore[attr-defined]
        self.fields["content"].widget.attrs["maxlength"] = str(content_max)
        self.fields["content"].help_text = _("不超过%(n)d字") % {"n": content_max}
        self.fields["category"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.code, c.name) for c in active_categories()
        ]
        # Likely duplicates are fetched while typing (htmx), before anything is submitted (V7).
        self.fields["content"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("voices:submit_duplicates"),
                "hx-trigger": "change, keyup changed delay:1500ms",
                "hx-target": "#duplicates",
                "hx-include": "[name=unit],[name=title]",
            }
        )
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_unit(self) -> int:
        unit = self.cleaned_data.get("unit")
        if not unit:
            raise forms.ValidationError(_("请选择事项所在的社区、村或街道（乡镇）"))
        return int(unit)

    def voice_input(self) -> VoiceInput:
        data = self.cleaned_data
        return VoiceInput(
            title=data["title"],
            content=data["content"],
            category=data["category"],
            unit=data["unit"],
            place=data["place"],
            kind=data["kind"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            wants_public=data["wants_public"],
            idempotency_key=data["idempotency_key"] or None,
        )


class RegisterForm(VoiceForm):
    channel = forms.ChoiceField(label=_("受理渠道"))
    received_at = forms.DateTimeField(
        label=_("受理时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("来信、来访的实际时间；不填为现在"),
    )
    field_order = [
        "channel",
        "received_at",
        "kind",
        "category",
        "unit",
        "title",
        "content",
        "place",
        "contact_name",
        "contact_phone",
        "contact_email",
        "wants_public",
    ]

    def __init__(self, *args: Any, channels: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.code, c.name) for c in channels]  # type: ignore[attr-defined]
        self.fields["contact_phone"].label = _("联系电话")
        self.fields["contact_phone"].help_text = _("手机或固定电话（含区号）；仅办理人员可见")
        self.fields["wants_public"].help_text = _("来访人同意在公示栏公开本事项（个人信息会隐去）")

    def voice_input(self) -> VoiceInput:
        data = super().voice_input()
        data.received_at = self.cleaned_data.get("received_at")
        return data


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=_("受理编号"), max_length=20, help_text=_("如：MY-2026-000123"))
    verification_code = forms.CharField(
        label=_("查询码"), max_length=20, help_text=_("提交时页面显示的8位查询码")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tracking_code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters"}
        )
        self.fields["verification_code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters"}
        )
