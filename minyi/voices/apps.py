from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "minyi.voices"
    label = "voices"
    verbose_name = "民情民意"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from minyi.core.attachments import register_attachment_access
        from minyi.core.engine.labels import register_subject_url
        from minyi.core.engine.signals import state_entered
        from minyi.voices import suggest_rules  # noqa: F401  (rules for V5/V6)
        from minyi.voices.actions import (
            register,  # noqa: F401  (the actions that carry out voice-process steps from pages and API)
            suggestion_steps,  # noqa: F401  (suggestions carry out the steps of their own process)
        )
        from minyi.voices.attachment_access import may_see_visit_files, may_see_voice_files
        from minyi.voices.closed_at import sync_closed_at
        from minyi.voices.search.schema import ensure_search_schema

        # The workbench and notifications link to the item page, not the generic process page.
        register_subject_url("voices.voice", "voices:item")
        # Residents' photos open only for those who may see the item (or the visit log).
        register_attachment_access("voices.voice", may_see_voice_files)
        register_attachment_access("voices.couriervisit", may_see_visit_files)
        # `closed_at` follows the process instance also when the sweep or an override moves it.
        state_entered.connect(sync_closed_at, dispatch_uid="voices_closed_at")
        # The search index's FTS5 table / GIN index (idempotent; also for databases built without
        # migrations). Schema set-up, not business logic.
        post_migrate.connect(ensure_search_schema, sender=self, dispatch_uid="voices_search_schema")
