from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "minyi.voices"
    label = "voices"
    verbose_name = "民情民意"

    def ready(self) -> None:
        # Registers the actions that carry out voice-process steps taken from pages and the API.
        # Suggestions (V5) carry out the steps of their own process; rules for V5/V6.
        from minyi.voices import suggest_rules  # noqa: F401
        from minyi.voices.actions import (
            register,  # noqa: F401
            suggestions,  # noqa: F401
        )
