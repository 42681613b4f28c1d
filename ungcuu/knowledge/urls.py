from django.urls import path

from ungcuu.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("guides/", views.guide_list, name="list"),
    path("guides/<slug:slug>/", views.guide_detail, name="detail"),
    path("guides/<slug:slug>/print/", views.guide_print, name="print"),
    path("guides/<slug:slug>/note/", views.guide_note, name="note"),
    path("guides/<slug:slug>/media/", views.media_add, name="media_add"),
    path("guides/<slug:slug>/media/<uuid:media_uuid>", views.media_file, name="media"),
    path(
        "guides/<slug:slug>/media/<uuid:media_uuid>/delete/",
        views.media_remove,
        name="media_remove",
    ),
]
