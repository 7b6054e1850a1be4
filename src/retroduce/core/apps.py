from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "retroduce.core"
    label = "core"
    verbose_name = "Projects and audit"
