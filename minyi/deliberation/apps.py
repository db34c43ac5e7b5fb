from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "minyi.deliberation"
    label = "deliberation"
    verbose_name = "议事协商"

    def ready(self) -> None:
        # Registers the actions that carry out topic-process steps taken from the generic process page.
        from minyi.deliberation.actions import topics  # noqa: F401
