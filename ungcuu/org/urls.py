from django.contrib.auth import views as auth_views
from django.urls import path

from ungcuu.org import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("duty/", views.duty, name="duty"),
    path("contacts/", views.contacts, name="contacts"),
]
