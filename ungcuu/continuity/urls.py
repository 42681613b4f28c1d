from django.urls import path

from ungcuu.continuity import views

app_name = "continuity"

urlpatterns = [
    path("paper/", views.register, name="register"),
    path("paper/new/", views.intake_new, name="intake"),
    path("paper/reentry/", views.reentry, name="reentry"),
    path("paper/blank-forms/", views.blank_forms, name="blank_forms"),
    path("paper/blank-forms/samples/", views.sample_add, name="sample_add"),
    path("paper/blank-forms/samples/<uuid:sample_uuid>", views.sample_file, name="sample"),
    path(
        "paper/blank-forms/samples/<uuid:sample_uuid>/delete/",
        views.sample_remove,
        name="sample_remove",
    ),
    path("paper/<id:intake_id>/slip/", views.slip, name="slip"),
    path("s/<str:token>/", views.status, name="status"),
    path("board/", views.board_edit, name="board_edit"),
    path("board/<slug:code>/", views.board, name="board"),
    path("board/<slug:code>/state.json", views.board_state, name="board_state"),
    path("announce/<id:incident_id>/", views.announce, name="announce"),
]
