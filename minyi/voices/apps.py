from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "minyi.voices"
    label = "voices"
    verbose_name = "民情民意"

    def ready(self) -> None:
        # Registers the actions that carry out voice-process steps taken from pages and the API.
        # The search index's FTS5 table / GIN index, also on databases built without migrations (tests).
        from django.db.models.signals import post_migrate

        from minyi.voices.actions import register  # noqa: F401
        from minyi.voices.search.schema import ensure_search_schema

        post_migrate.connect(ensure_search_schema, sender=self, dispatch_uid="voices_search_schema")
