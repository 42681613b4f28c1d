from django.contrib.auth import views as auth_views
from django.urls import path

from ungcuu.org import two_step_views, views
from ungcuu.org.setup import views as setup_views

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
    path("setup/", setup_views.setup, name="setup"),
    path("setup/center/", setup_views.setup_center, name="setup_center"),
    path("setup/template.xlsx", setup_views.setup_template, name="setup_template"),
    path("setup/import/", setup_views.setup_import, name="setup_import"),
    path("setup/channels/", setup_views.setup_channel, name="setup_channel"),
    path("setup/channels/test/", setup_views.setup_channel_test, name="setup_channel_test"),
    path("welcome/<str:token>/", setup_views.first_sign_in, name="first_sign_in"),
]
