from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ungcuu.org"
    label = "org"
    verbose_name = "Tổ chức và người dùng"
