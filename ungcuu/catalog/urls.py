from django.urls import path

from ungcuu.catalog import views

app_name = "catalog"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
]
