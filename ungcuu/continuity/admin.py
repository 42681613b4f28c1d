from django.contrib import admin

from ungcuu.continuity.models import BoardNotice, CalendarDay, PaperIntake, Procedure


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "processing_days", "cutoff"]
    search_fields = ["name", "code"]


@admin.register(PaperIntake)
class PaperIntakeAdmin(admin.ModelAdmin):
    list_display = [
        "receipt_number",
        "center",
        "citizen_name",
        "procedure",
        "received_at",
        "expected_return_date",
        "dossier_code",
        "is_drill",
    ]
    list_filter = ["center", "is_drill"]
    search_fields = ["receipt_number", "citizen_name", "citizen_id", "dossier_code"]
    readonly_fields = ["client_uuid", "receipt_number", "status_token", "received_at", "created_at"]


@admin.register(BoardNotice)
class BoardNoticeAdmin(admin.ModelAdmin):
    list_display = ["center", "expected_recovery", "paper_intake", "updated_at"]
