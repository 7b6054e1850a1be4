from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "retroduce.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from retroduce.core.history import HIDDEN_EVENT_SOURCES
        from retroduce.screening.outcomes import blinded_decision_ids

        HIDDEN_EVENT_SOURCES.append(blinded_decision_ids)
        from retroduce.screening import undo  # noqa: F401 (registers the undoer)
