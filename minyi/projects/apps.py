from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "minyi.projects"
    label = "projects"
    verbose_name = "民生实事项目"

    def ready(self) -> None:
        # Registers the round-process steps, subject URLs and public action labels.
        from minyi.core.engine.labels import register_subject_url
        from minyi.projects.actions import rounds  # noqa: F401
        from minyi.projects.delivery import ready  # noqa: F401  (P3/P5/P6, delivery helper)

        # The workbench links a self-build round to its page (which links staff on to their forms).
        register_subject_url("projects.selfbuildround", "projects:selfbuild")
