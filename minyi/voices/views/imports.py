"""Pages: bulk import of hotline and chat-group exports (upload → preview → confirm → progress)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.core.scope import units_in_scope
from minyi.voices.actions.import_rows import FIELD_LABELS, IMPORT_ROLES, PLACE_KINDS, PREVIEW_ROWS
from minyi.voices.actions.imports import do_confirm_import, do_create_import
from minyi.voices.models import Category, ImportBatch, ImportStatus

ERRORS_SHOWN = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("导入文件"), help_text=gettext_lazy(".xlsx 或 .csv；第1行为表头")
    )
    default_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("默认所属区域"),
        help_text=gettext_lazy("行中没有所属社区/街道时使用（群聊记录常用）"),
    )
    default_category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True),
        required=False,
        label=gettext_lazy("默认类别"),
        help_text=gettext_lazy("行中没有诉求类别或无法识别时使用"),
    )

    def __init__(self, person: Person, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        units = Unit.objects.filter(
            units_in_scope(person, IMPORT_ROLES), kind__in=PLACE_KINDS, is_active=True
        )
        self.fields["default_unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]


def _importer(request: HttpRequest) -> Person:
    person = current_person(request)
    if not person.has_perm("voices.import_voices"):
        raise PermissionDenied
    return person


def _own_batch(request: HttpRequest, pk: int) -> tuple[Person, ImportBatch]:
    person = _importer(request)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("default_unit", "default_category"), pk=pk, uploaded_by=person
    )
    return person, batch


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    person = _importer(request)
    form = UploadForm(person, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            batch = do_create_import(
                uploaded.name,
                uploaded.read(),
                actor=Actor(person=person),
                default_unit=form.cleaned_data["default_unit"],
                default_category=form.cleaned_data["default_category"],
            )
        except ActionError as error:
            form.add_error("file" if error.details.get("field") == "file" else None, error.message)
        else:
            return redirect("voices:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.filter(uploaded_by=person).only(
        "id", "filename", "source", "status", "total_rows", "valid_rows", "created_count", "created_at"
    )[:10]
    return render(
        request,
        "voices/imports/upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    _person, batch = _own_batch(request, pk)
    rows = batch.rows[:PREVIEW_ROWS]
    fields = [name for name in FIELD_LABELS if name in batch.columns.values()]
    context = {
        "batch": batch,
        "columns": [(header, FIELD_LABELS[name]) for header, name in batch.columns.items()],
        "fields": [(name, FIELD_LABELS[name]) for name in fields],
        "rows": [(row, [row["raw"].get(name, "") for name in fields]) for row in rows],
        "errors": batch.errors[:ERRORS_SHOWN],
        "more_errors": max(0, len(batch.errors) - ERRORS_SHOWN),
        "skipped": sum(1 for row in batch.rows if row["ok"] and row["skip"]),
    }
    context["polling"] = _polling(batch)
    return render(request, "voices/imports/preview.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    person, batch = _own_batch(request, pk)
    try:
        do_confirm_import(batch, actor=Actor(person=person), valid_only=request.POST.get("valid_only") == "1")
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("voices:import_preview", pk=batch.pk)
    from minyi.voices.tasks import run_voice_import

    run_voice_import(batch.pk)
    return redirect("voices:import_preview", pk=batch.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block alone; htmx polls it every second until the run has finished."""
    _person, batch = _own_batch(request, pk)
    return render(request, "voices/imports/progress.html", {"batch": batch, "polling": _polling(batch)})


def _polling(batch: ImportBatch) -> bool:
    return batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


urlpatterns: list[URLPattern] = [
    path("import/", upload, name="import"),
    path("import/<int:pk>/", preview, name="import_preview"),
    path("import/<int:pk>/confirm/", confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", progress, name="import_progress"),
]
