from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "minyi.surveys"
    label = "surveys"
    verbose_name = "问卷调查"
