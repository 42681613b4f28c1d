from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ungcuu.org"
    label = "org"
    verbose_name = "Tổ chức và người dùng"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from ungcuu.org.two_step import mark_pending_after_password

        # Every way in (our login page, the admin's) ends in the same check.
        user_logged_in.connect(mark_pending_after_password, dispatch_uid="ungcuu_two_step")
