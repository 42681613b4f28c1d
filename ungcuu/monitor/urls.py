from django.urls import path

from ungcuu.monitor import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.index, name="index"),
    path("monitor/new/", views.probe_new, name="new"),
    path("monitor/probes/<id:pk>/edit/", views.probe_edit, name="edit"),
    path("monitor/probes/<id:pk>/delete/", views.probe_delete, name="delete"),
    path("monitor/probes/<id:pk>/toggle/", views.probe_toggle, name="toggle"),
]
