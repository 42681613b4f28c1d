from django.contrib import admin

from ungcuu.incidents.models import Incident, IncidentEvent


class EventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "payload"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only: incidents change only through their timeline."""

    list_display = ["number", "center", "incident_type", "tier", "status", "started_at"]
    list_filter = ["status", "tier", "center", "incident_type"]
    search_fields = ["number", "search_text"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
