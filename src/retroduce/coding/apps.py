from django.apps import AppConfig
from django.db.models.signals import post_save


def _component_saved(sender, instance, **kwargs) -> None:  # noqa: ANN001,ANN003
    # Each programme-theory component is a code too, kept in step with the theory.
    from retroduce.coding.codebook import ensure_codebook

    ensure_codebook(instance.version.project)


class CodingConfig(AppConfig):
    name = "retroduce.coding"
    label = "coding"
    verbose_name = "Coding"

    def ready(self) -> None:
        post_save.connect(
            _component_saved, sender="theory.Component", dispatch_uid="component-codes"
        )
        from retroduce.coding import undo  # noqa: F401 (registers the undoers)
