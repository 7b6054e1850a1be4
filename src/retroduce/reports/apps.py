from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "retroduce.reports"
    label = "reports"
    verbose_name = "Reports"
