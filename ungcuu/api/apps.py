from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ungcuu.api"
    label = "api"
    verbose_name = "API"
