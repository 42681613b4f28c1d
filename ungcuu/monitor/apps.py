from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "ungcuu.monitor"
    label = "monitor"
    verbose_name = "Giám sát tự động"
