"""Items closed by the overdue sweep before `closed_at` followed the process instance got none; items an
override reopened kept theirs. Bring `closed_at` in step with the instance once (state_entered_at of
the final state is when the item was closed)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Voice = apps.get_model("voices", "Voice")
    ProcessInstance = apps.get_model("core", "ProcessInstance")
    entered = ProcessInstance.objects.filter(pk=OuterRef("instance_id")).values("state_entered_at")[:1]
    Voice.objects.filter(closed_at__isnull=True, instance__is_final=True).update(closed_at=Subquery(entered))
    Voice.objects.filter(closed_at__isnull=False, instance__is_final=False).update(closed_at=None)


class Migration(migrations.Migration):
    dependencies = [("voices", "0003_voice_open_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
