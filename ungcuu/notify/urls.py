from django.urls import path

from ungcuu.notify import views

app_name = "notify"

urlpatterns = [
    path("ack/<str:token>/", views.ack, name="ack"),
    path("policy/", views.policy, name="policy"),
]
