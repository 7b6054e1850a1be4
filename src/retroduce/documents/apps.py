from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "retroduce.documents"
    label = "documents"
    verbose_name = "Documents"
