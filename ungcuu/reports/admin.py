from django.contrib import admin

from ungcuu.reports.models import Minutes, ReportJob


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ("__str__", "center", "year", "number", "held_at", "updated_at")
    list_filter = ("center", "year")
    search_fields = ("incident__number",)
    raw_id_fields = ("incident",)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("uuid", "user", "format", "state", "progress", "created_at", "finished_at")
    list_filter = ("state", "format")
    readonly_fields = ("uuid", "params", "file_name", "error")
