from django.urls import path

from ungcuu.catalog import views

app_name = "catalog"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/adjust/", views.plan_adjust, name="adjust"),
    path("plan/adjust/<slug:type_code>/", views.plan_adjust_type, name="adjust_type"),
]
