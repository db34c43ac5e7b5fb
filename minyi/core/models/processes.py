"""O3 — process definitions kept as versioned data, and the running instances the engine moves."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessDefinitionVersion(models.Model):
    """The exact YAML a version was loaded from; running instances keep the version they began with."""

    name = models.CharField(max_length=60)
    version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    source = models.TextField()
    source_path = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="process_name_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ProcessInstance(models.Model):
    """One run of a process for one subject (a voice, a topic, a project…)."""

    process = models.CharField(_("流程"), max_length=60)
    version = models.PositiveIntegerField()
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="process_instances", verbose_name=_("所在单位")
    )
    state = models.CharField(_("状态"), max_length=60)
    state_entered_at = models.DateTimeField()
    deadline_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    # Comma-wrapped role codes that may act in the current state (",deputy,township_staff,"), so the
    # workbench finds everything awaiting a person in one indexed query.
    awaiting_roles = models.CharField(max_length=400, blank=True)
    overdue_steps_applied = models.PositiveSmallIntegerField(default=0)
    is_final = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("流程实例")
        verbose_name_plural = _("流程实例")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "subject_type", "subject_id"], name="one_instance_per_subject"
            )
        ]
        indexes = [
            models.Index(fields=["is_final", "deadline_at"], name="instance_open_deadline"),
            # Open work by handling unit (inboxes and workbenches of a scope): the few open instances of
            # a subtree's units, without reading every open instance of the city.
            models.Index(fields=["unit"], condition=models.Q(is_final=False), name="instance_open_unit"),
            models.Index(fields=["subject_type", "subject_id"], name="instance_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.process}:{self.subject_id} [{self.state}]"
