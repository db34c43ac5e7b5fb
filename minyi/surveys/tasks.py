"""Huey periodic task: open effect evaluations (and any scheduled survey) when their day arrives."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from minyi.surveys.actions.effect import open_due_evaluations


@db_periodic_task(crontab(minute="5", hour=str(settings.MINYI_SURVEY_OPEN_HOUR)))
def open_scheduled_surveys() -> list[int]:
    return open_due_evaluations()
