from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType
from ungcuu.monitor.models import MAX_INTERVAL, MAX_STREAK, MIN_INTERVAL, ProbeKind


class ProbeForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=100)
    kind = forms.ChoiceField(label=_("Cách kiểm tra"), choices=ProbeKind.choices)
    target = forms.CharField(
        label=_("Địa chỉ"),
        max_length=255,
        help_text=_(
            "HTTP: http(s)://…; TCP: máy:cổng; DNS, ping: tên máy hoặc IP; máy in: "
            "[community@]máy[:cổng]; bộ lưu điện: [tên-ups@]máy[:cổng]."
        ),
    )
    incident_type = forms.ModelChoiceField(
        label=_("Loại sự cố khi gián đoạn"),
        queryset=IncidentType.objects.active(),
        to_field_name="code",
    )
    keyword = forms.CharField(
        label=_("Từ khóa phải có trong trang (HTTP, không bắt buộc)"),
        max_length=200,
        required=False,
    )
    interval_s = forms.IntegerField(
        label=_("Chu kỳ kiểm tra (giây)"), min_value=MIN_INTERVAL, max_value=MAX_INTERVAL
    )
    fail_after = forms.IntegerField(
        label=_("Báo gián đoạn sau (lần lỗi liên tiếp)"), min_value=1, max_value=MAX_STREAK
    )
    recover_after = forms.IntegerField(
        label=_("Báo hoạt động lại sau (lần đạt liên tiếp)"), min_value=1, max_value=MAX_STREAK
    )
    flap_changes = forms.IntegerField(
        label=_("Chập chờn: số lần đổi trạng thái"), min_value=2, max_value=MAX_STREAK
    )
    flap_minutes = forms.IntegerField(
        label=_("Chập chờn: trong (phút)"), min_value=1, max_value=1440
    )
    enabled = forms.BooleanField(label=_("Đang bật"), required=False)
