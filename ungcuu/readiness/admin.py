from django.contrib import admin

from ungcuu.readiness.models import (
    Certificate,
    CheckItem,
    DailyCheck,
    Drill,
    Equipment,
    ReadinessPolicy,
    SupplyItem,
    TrainingRecord,
)


@admin.register(ReadinessPolicy)
class ReadinessPolicyAdmin(admin.ModelAdmin):
    list_display = ["center", "check_deadline", "password_days"]


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ["label", "center", "incident_type", "position", "is_active"]
    list_filter = ["center", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(DailyCheck)
class DailyCheckAdmin(admin.ModelAdmin):
    list_display = ["center", "day", "done_at", "done_by", "faults"]
    list_filter = ["center"]
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None):
        return False  # the history of checks is a record


@admin.register(SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "kind", "stock", "quota", "threshold", "assignee"]
    list_filter = ["center", "kind"]
    readonly_fields = ["stock"]


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "kind", "is_backup", "status", "next_maintenance_on"]
    list_filter = ["center", "kind", "status"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["holder", "center", "provider", "serial", "valid_to", "status"]
    list_filter = ["center", "provider", "status"]


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["scenario", "center", "scheduled_at", "status"]
    list_filter = ["center", "status"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "center", "topic", "trained_on", "provider", "recorded_by"]
    list_filter = ["center", "topic"]
    date_hierarchy = "trained_on"
    raw_id_fields = ["person", "recorded_by"]
