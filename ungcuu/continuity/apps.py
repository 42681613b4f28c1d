from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "ungcuu.continuity"
    label = "continuity"
    verbose_name = "Phục vụ liên tục"
