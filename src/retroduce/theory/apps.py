from django.apps import AppConfig


class TheoryConfig(AppConfig):
    name = "retroduce.theory"
    label = "theory"
    verbose_name = "Programme theory"

    def ready(self) -> None:
        from retroduce.theory import undo  # noqa: F401 (registers the undoer)
