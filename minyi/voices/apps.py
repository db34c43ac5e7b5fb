from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "minyi.voices"
    label = "voices"
    verbose_name = "民情民意"

    def ready(self) -> None:
        # Registers the actions that carry out voice-process steps taken from pages and the API.
        from minyi.core.engine.labels import register_subject_url
        from minyi.voices import suggest_rules  # noqa: F401  (rules for V5/V6)
        from minyi.voices.actions import (
            register,  # noqa: F401
            suggestions,  # noqa: F401  (suggestions carry out the steps of their own process)
        )

        # The workbench and notifications link to the item page, not the generic process page.
        register_subject_url("voices.voice", "voices:item")
