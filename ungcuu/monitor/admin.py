from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from ungcuu.monitor.models import Probe, ProbeChange
from ungcuu.monitor.targets import parse_target


class ProbeAdminForm(forms.ModelForm):
    class Meta:
        model = Probe
        fields = "__all__"

    def clean(self):
        data = super().clean()
        kind, target = data.get("kind"), data.get("target")
        if kind and target:
            try:
                parse_target(kind, target)
            except ValueError as exc:
                raise ValidationError({"target": str(exc)}) from exc
        if data.get("keyword") and kind != "http":
            raise ValidationError({"keyword": "Từ khóa chỉ dùng cho cách kiểm tra HTTP."})
        return data


@admin.register(Probe)
class ProbeAdmin(admin.ModelAdmin):
    form = ProbeAdminForm
    list_display = ("name", "center", "kind", "target", "state", "flapping", "enabled")
    list_filter = ("kind", "state", "enabled", "center__province")
    search_fields = ("name", "target", "center__code", "center__ward_name")
    autocomplete_fields = ()
    raw_id_fields = ("center", "open_incident")
    readonly_fields = (
        "state",
        "flapping",
        "last_checked_at",
        "last_latency_ms",
        "last_error",
        "warning",
        "fail_count",
        "ok_count",
        "first_failure_at",
        "first_success_at",
        "open_incident",
    )


@admin.register(ProbeChange)
class ProbeChangeAdmin(admin.ModelAdmin):
    list_display = ("probe", "at", "state", "held", "incident")
    list_filter = ("state", "held")
    raw_id_fields = ("probe", "incident")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
