from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "minyi.projects"
    label = "projects"
    verbose_name = "民生实事项目"

    def ready(self) -> None:
        # Registers the round-process steps, subject URLs and public action labels.
        from minyi.projects.actions import rounds  # noqa: F401
        from minyi.projects.delivery import ready  # noqa: F401  (P3/P5/P6, delivery helper)
