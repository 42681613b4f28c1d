from django.urls import path

from ungcuu.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/dashboard/", views.dashboard, name="dashboard"),
    path("reports/quarterly.<str:format>", views.download, name="download"),
    path("reports/jobs/<uuid:job_uuid>/", views.job, name="job"),
    path("reports/jobs/<uuid:job_uuid>/file", views.job_file, name="job_file"),
    path("reports/minutes/<id:incident_id>/", views.minutes, name="minutes"),
    path("reports/minutes/<id:incident_id>/print/", views.minutes_print, name="minutes_print"),
    path("reports/minutes/<id:incident_id>/docx", views.minutes_docx, name="minutes_docx"),
]
