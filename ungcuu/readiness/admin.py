from django.contrib import admin
from django.utils.translation import gettext as _

from ungcuu.readiness.models import (
    UNGCUU_DEFAULT,
    Certificate,
    CheckItem,
    DailyCheck,
    Drill,
    Equipment,
    ReadinessPolicy,
    SupplyItem,
    TrainingRecord,
)
from ungcuu.readiness.services.certificates import WARN_DAYS


def _default_note(field: str) -> str:
    """What the plans leave open, said beside the setting (000 1.2.3)."""
    default = ReadinessPolicy._meta.get_field(field).default
    shown = f"{default:%H:%M}" if hasattr(default, "hour") else str(default)
    return _("Mặc định %(value)s: %(note)s.") % {"value": shown, "note": UNGCUU_DEFAULT}


@admin.register(ReadinessPolicy)
class ReadinessPolicyAdmin(admin.ModelAdmin):
    list_display = ["center", "check_deadline", "password_days"]

    def get_fieldsets(self, request, obj=None):
        days = ", ".join(str(d) for d in WARN_DAYS)
        return [
            (
                None,
                {
                    "fields": ["center", "check_deadline", "password_days"],
                    "description": _(
                        "Phương án yêu cầu kiểm tra phần mềm đầu ngày và định kỳ nhắc đổi mật "
                        "khẩu, nhưng không quy định giờ hay số ngày. Các con số dưới đây (và việc "
                        "nhắc chứng thư số trước %(days)s ngày) là %(note)s; Trung tâm tự "
                        "điều chỉnh."
                    )
                    % {"days": days, "note": UNGCUU_DEFAULT},
                },
            )
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("check_deadline", "password_days"):
            field.help_text = f"{field.help_text} {_default_note(db_field.name)}".strip()
        return field


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
