from django.apps import AppConfig


class TheoryConfig(AppConfig):
    name = "retroduce.theory"
    label = "theory"
    verbose_name = "Programme theory"
