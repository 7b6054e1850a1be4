from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "retroduce.site"
    label = "retroduce_site"
    verbose_name = "Retroduce site"
