from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ungcuu.notify"
    label = "notify"
    verbose_name = "Báo tin và chuyển tuyến"
