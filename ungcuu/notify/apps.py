from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ungcuu.notify"
    label = "notify"
    verbose_name = "Báo tin và chuyển tuyến"

    def ready(self) -> None:
        # Registers the brandname:// SMS plugin with Apprise.
        from ungcuu.notify import brandname  # noqa: F401
