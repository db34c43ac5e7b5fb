from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minyi.core"
    label = "core"
    verbose_name = "民意平台核心"

    def ready(self) -> None:
        # Process definitions are validated at start-up: a bad file stops the server with its name and line.
        from minyi.core.engine.registry import load_all_definitions

        load_all_definitions()
        # Registers the actions that carry out role-request steps taken from pages and the API.
        from minyi.core.actions import role_requests  # noqa: F401
