from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "minyi.ballots"
    label = "ballots"
    verbose_name = "表决与票决"
