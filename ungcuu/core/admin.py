from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from ungcuu.core.audit import selectors
from ungcuu.core.models import ConfigChange

# The same entries, under Vietnamese names and columns, in the "Chung" section.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(ConfigChange)
class ConfigChangeAdmin(LogEntryAdmin):
    list_display = ["when", "who", "action_name", "what", "changes_short"]
    list_filter = ["action", ResourceTypeFilter]
    readonly_fields = ["when", "who", "action_name", "what", "changes_full"]
    fieldsets = [(None, {"fields": readonly_fields})]

    @admin.display(description="lúc", ordering="timestamp")
    def when(self, obj):
        return f"{localtime(obj.timestamp):%d/%m/%Y %H:%M}"

    @admin.display(description="người sửa")
    def who(self, obj):
        return selectors.entry_actor(obj)

    @admin.display(description="thao tác", ordering="action")
    def action_name(self, obj):
        return selectors.entry_action(obj)

    @admin.display(description="đối tượng")
    def what(self, obj):
        return selectors.entry_label(obj)

    @admin.display(description="thay đổi")
    def changes_short(self, obj):
        return "; ".join(c.field for c in selectors.entry_changes(obj))

    @admin.display(description="thay đổi (trước → sau)")
    def changes_full(self, obj):
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((c.field, c.shown) for c in selectors.entry_changes(obj)),
        )
        return format_html("<ul>{}</ul>", rows)
