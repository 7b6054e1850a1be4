from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "retroduce.sources"
    label = "sources"
    verbose_name = "Sources"
