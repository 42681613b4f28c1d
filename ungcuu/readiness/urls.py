from django.urls import path

from ungcuu.readiness import views

app_name = "readiness"

urlpatterns = [
    path("readiness/", views.index, name="index"),
    path("readiness/check/", views.check, name="check"),
    path("readiness/check/history/", views.check_history, name="check_history"),
    path("readiness/check/items/", views.check_items, name="check_items"),
    path("readiness/supplies/", views.supplies, name="supplies"),
    path("readiness/supplies/new/", views.supply_new, name="supply_new"),
    path("readiness/supplies/usage.xlsx", views.supply_usage_export, name="supply_usage_xlsx"),
    path("readiness/supplies/<id:pk>/", views.supply, name="supply"),
    path("readiness/supplies/<id:pk>/edit/", views.supply_edit, name="supply_edit"),
    path("readiness/equipment/", views.equipment, name="equipment"),
    path("readiness/equipment/new/", views.equipment_new, name="equipment_new"),
    path("readiness/equipment/<id:pk>/", views.equipment_item, name="equipment_item"),
    path("readiness/equipment/<id:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("readiness/equipment/<id:pk>/tested/", views.equipment_tested, name="equipment_tested"),
    path("readiness/certificates/", views.certificates, name="certificates"),
    path("readiness/certificates/new/", views.certificate_new, name="certificate_new"),
    path("readiness/certificates/<id:pk>/", views.certificate, name="certificate"),
    path("readiness/certificates/<id:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("readiness/drills/", views.drills, name="drills"),
    path("readiness/drills/new/", views.drill_new, name="drill_new"),
    path("readiness/drills/<id:pk>/", views.drill, name="drill"),
    path("readiness/drills/<id:pk>/<slug:action>/", views.drill_act, name="drill_act"),
    path("readiness/training/", views.training, name="training"),
    path("readiness/training/new/", views.training_new, name="training_new"),
    path(
        "readiness/incidents/<id:incident_id>/equipment/",
        views.incident_equipment,
        name="incident_equipment",
    ),
    path(
        "readiness/incidents/<id:incident_id>/supplies/",
        views.incident_supply,
        name="incident_supply",
    ),
]
