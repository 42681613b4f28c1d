from django.contrib.auth import views as auth_views
from django.urls import path

from ungcuu.org import two_step_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-step/", two_step_views.code, name="two_step"),
    path("two-step/setup/", two_step_views.enrol, name="two_step_enrol"),
    path("two-step/backup-codes/", two_step_views.backup, name="two_step_backup"),
    path(
        "two-step/backup-codes/print/",
        two_step_views.backup,
        {"print_view": True},
        name="two_step_backup_print",
    ),
    path("duty/", views.duty, name="duty"),
    path("contacts/", views.contacts, name="contacts"),
]
