from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "ungcuu.knowledge"
    label = "knowledge"
    verbose_name = "Hướng dẫn"
