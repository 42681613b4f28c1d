from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ungcuu.catalog"
    label = "catalog"
    verbose_name = "Danh mục sự cố"
