from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "ungcuu.sync"
    label = "sync"
    verbose_name = "Đồng bộ máy của Trung tâm với máy chủ của tỉnh"

    def ready(self) -> None:
        from ungcuu.sync import outbox

        outbox.connect()
