"""Bulk import of hotline (12345) and chat-group exports (V1).

upload → `do_create_import` parses and checks every row and keeps the result (nothing imported);
preview → the page shows the recognised columns, first rows and the row-level error report;
confirm → `do_confirm_import` refuses when any row is invalid unless `valid_only` was chosen, then
the Huey task `run_voice_import` creates the voices (`run_import`), reporting progress on the batch.
Each voice's `external_ref` is the source plus a stable row key, so a re-import skips what exists.
"""

from __future__ import annotations

import hashlib
import logging

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.models import Person, Unit
from minyi.core.models.channels import ChannelCode
from minyi.core.record.write import record_event
from minyi.core.scope import authorizing_grant, has_role
from minyi.voices.actions.import_rows import (
    IMPORT_ROLES,
    PLACE_KINDS,
    ImportFileError,
    parse_table,
    read_table,
)
from minyi.voices.actions.intake_followup import collected_followups
from minyi.voices.models import Category, ImportBatch, ImportSource, ImportStatus, Voice
from minyi.voices.open311.create import NewVoice, create_voice

logger = logging.getLogger("minyi.voices.imports")
PROGRESS_EVERY = 20


@rules.predicate
def may_import(person: Person, unit: Unit | None = None) -> bool:
    """hotline_operator, district_staff or township_staff on the unit (anywhere when None)."""
    return has_role(person, IMPORT_ROLES, unit)


if not rules.perm_exists("voices.import_voices"):
    rules.add_perm("voices.import_voices", rules.is_authenticated & may_import)


def check_create_import(person: Person, filename: str, default_unit: Unit | None) -> None:
    if not may_import(person):
        raise NotPermitted("not_permitted", _("只有12345热线话务员、区级或街道工作人员可以批量导入"))
    if default_unit is not None and (
        default_unit.kind not in PLACE_KINDS or not may_import(person, default_unit)
    ):
        raise ActionError(
            "unit_out_of_scope", _("默认所属区域须是您管辖范围内的社区或街道"), {"field": "default_unit"}
        )
    if not filename or len(filename) > 200:
        raise ActionError("import_filename", _("文件名无效"), {"field": "file"})


@transaction.atomic
def do_create_import(
    filename: str,
    data: bytes,
    *,
    actor: Actor,
    default_unit: Unit | None = None,
    default_category: Category | None = None,
) -> ImportBatch:
    """Parse and check the whole file; keep the result for the preview. Imports nothing."""
    person = actor.person
    if person is None:
        raise NotPermitted("not_permitted", _("系统账号不能上传导入文件"))
    check_create_import(person, filename, default_unit)
    try:
        parsed = parse_table(
            read_table(filename, data),
            person=person,
            default_unit=default_unit,
            default_category=default_category,
        )
    except ImportFileError as problem:
        raise ActionError("import_file_invalid", str(problem), {"field": "file"}) from None
    batch = ImportBatch.objects.create(
        source=parsed.source,
        filename=filename[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=person,
        default_unit=default_unit,
        default_category=default_category,
        columns=parsed.columns,
        rows=parsed.rows,
        errors=parsed.errors,
        total_rows=len(parsed.rows),
        valid_rows=parsed.valid_rows,
    )
    record_event(
        actor=actor,
        action="voices.import.upload",
        subject=batch,
        unit=default_unit,
        public=False,
        data={
            "filename": batch.filename,
            "sha256": batch.file_sha256,
            "source": batch.source,
            "rows": batch.total_rows,
            "valid": batch.valid_rows,
        },
    )
    return batch


def check_confirm_import(batch: ImportBatch, person: Person, valid_only: bool) -> None:
    if batch.uploaded_by_id != person.pk or not may_import(person):
        raise NotPermitted("not_permitted", _("只能确认自己上传的导入"))
    if batch.status != ImportStatus.PREVIEWED:
        raise Conflict("import_already_confirmed", _("该文件已确认导入，不能重复确认"))
    if batch.errors and not valid_only:
        raise ActionError(
            "import_has_invalid_rows",
            _("有 %(n)d 行存在错误，未导入任何数据。请修正后重新上传，或选择“只导入有效行”")
            % {"n": batch.invalid_rows},
            {"invalid_rows": batch.invalid_rows},
        )
    if batch.valid_rows == 0:
        raise ActionError("import_no_valid_rows", _("没有可导入的有效行"))


@transaction.atomic
def do_confirm_import(batch: ImportBatch, *, actor: Actor, valid_only: bool = False) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if actor.person is None:
        raise NotPermitted("not_permitted", _("系统账号不能确认导入"))
    check_confirm_import(batch, actor.person, valid_only)
    batch.status = ImportStatus.QUEUED
    batch.valid_only = valid_only
    batch.save(update_fields=["status", "valid_only"])
    record_event(
        actor=actor,
        action="voices.import.confirm",
        subject=batch,
        unit=batch.default_unit,
        public=False,
        data={"valid_only": valid_only, "valid": batch.valid_rows, "invalid": batch.invalid_rows},
    )
    return batch


def _progress(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        processed_rows=batch.processed_rows,
        created_count=batch.created_count,
        skipped_count=batch.skipped_count,
    )


def _import_row(
    batch: ImportBatch,
    row: dict[str, object],
    person: Person,
    units: dict[int, Unit],
    categories: dict[int, Category],
) -> bool:
    """Create the row's voice; False when it already exists (re-import, or a duplicate row)."""
    ref = str(row["ref"])
    if row["skip"] or Voice.objects.filter(external_ref=ref).exists():
        return False
    unit = units[int(str(row["unit"]))]
    grant = authorizing_grant(person, IMPORT_ROLES, unit)
    if grant is None:  # the importer lost the role since the preview
        raise NotPermitted("not_permitted", _("您已无权向“%(u)s”导入") % {"u": unit.name})
    channel = ChannelCode.HOTLINE if batch.source == ImportSource.HOTLINE else ChannelCode.CHAT_IMPORT
    origin = {"import_batch": batch.pk, "row": row["row"], "received_at": row["time"] or None}
    if row["ticket"]:
        origin["ticket"] = row["ticket"]
    if row["group"]:
        origin["chat_group"] = row["group"]
    new = NewVoice(
        category=categories[int(str(row["category"]))],
        unit=unit,
        channel_code=channel,
        title=str(row["title"]),
        content=str(row["content"]),
        place=str(row["place"]),
        contact_name=str(row["contact_name"]),
        contact_phone=str(row["contact_phone"]),
        external_ref=ref,
        origin=origin,
    )
    create_voice(new, actor=Actor(person=person, role=grant.role, unit=grant.unit))
    return True


def run_import(batch_id: int) -> ImportBatch:
    """Create the voices of a confirmed batch, row by row, updating the progress every few rows.

    Each voice is its own transaction: a failure stops the run with the rows so far kept, and running
    the batch again (or re-importing the file) continues without duplicates.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (ImportStatus.QUEUED, ImportStatus.FAILED):
            return batch
        batch.status = ImportStatus.RUNNING
        batch.processed_rows = batch.created_count = batch.skipped_count = 0
        batch.save(update_fields=["status", "processed_rows", "created_count", "skipped_count"])
    person = batch.uploaded_by
    valid = [row for row in batch.rows if row["ok"]]
    units = {u.pk: u for u in Unit.objects.filter(pk__in={row["unit"] for row in valid})}
    categories = {c.pk: c for c in Category.objects.filter(pk__in={row["category"] for row in valid})}
    # The rows' index entries and notifications are written per progress step in bulk (this already runs
    # in the worker), not as one queued task per row; the rows created before a failure are finished too.
    with collected_followups() as followups:
        try:
            for row in valid:
                if _import_row(batch, row, person, units, categories):
                    batch.created_count += 1
                else:
                    batch.skipped_count += 1
                batch.processed_rows += 1
                if batch.processed_rows % PROGRESS_EVERY == 0:
                    followups.flush()
                    _progress(batch)
        except Exception as failure:  # keep the page informative; the log has the traceback
            logger.exception("import %s failed at row %s", batch.pk, batch.processed_rows)
            try:
                followups.flush()
            except Exception:  # finish_stalled_intake picks these rows up
                logger.exception("import %s: finishing the rows created so far failed", batch.pk)
            message = failure.message if isinstance(failure, ActionError) else _("导入中断，请稍后重试")
            _finish(batch, ImportStatus.FAILED, str(message))
            return batch
        followups.flush()
    _finish(batch, ImportStatus.DONE, "")
    return batch


@transaction.atomic
def _finish(batch: ImportBatch, status: str, failure: str) -> None:
    batch.status = status
    batch.failure = failure
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=["status", "failure", "finished_at", "processed_rows", "created_count", "skipped_count"]
    )
    record_event(
        actor=Actor.system(),
        action="voices.import.finish",
        subject=batch,
        unit=batch.default_unit,
        public=False,
        data={
            "status": status,
            "created": batch.created_count,
            "skipped": batch.skipped_count,
            "processed": batch.processed_rows,
        },
    )
