from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ungcuu.core"
    label = "core"
    verbose_name = "Chung"

    def ready(self) -> None:
        from ungcuu.core.audit.registry import register

        register()
