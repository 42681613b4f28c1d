from django.urls import path

from ungcuu.incidents import major_views, views

app_name = "incidents"

urlpatterns = [
    path("incidents/new/", views.report, name="report"),
    path("incidents/<id:incident_id>/", views.detail, name="detail"),
    path("incidents/<id:incident_id>/resolve/", views.resolve, name="resolve"),
    path("incidents/<id:incident_id>/files/", views.attach, name="attach"),
    path(
        "incidents/<id:incident_id>/files/<uuid:attachment_uuid>",
        views.attachment,
        name="attachment",
    ),
    path("incidents/<id:incident_id>/<slug:kind>/", views.act, name="act"),
    path("major/<id:major_id>/", major_views.major_detail, name="major"),
    path("province/", major_views.province_live, name="province_live"),
    path("status/<int:province_code>/", major_views.province_status, name="province_status"),
    path("logbook/", views.logbook_page, name="logbook"),
    path("logbook/export.xlsx", views.logbook_export, name="logbook_export"),
]
