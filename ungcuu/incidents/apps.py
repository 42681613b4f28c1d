from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "ungcuu.incidents"
    label = "incidents"
    verbose_name = "Sự cố"
