from django.contrib import admin

from ungcuu.catalog.models import IncidentType, PlaybookStep


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1
    fields = ["position", "section", "text"]


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tier", "position", "is_active"]
    list_filter = ["tier", "is_active"]
    search_fields = ["name", "code"]
    inlines = [PlaybookStepInline]
