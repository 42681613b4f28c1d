from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "ungcuu.readiness"
    label = "readiness"
    verbose_name = "Sẵn sàng"
