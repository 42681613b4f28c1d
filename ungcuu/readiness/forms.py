from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType
from ungcuu.core.dates import VnDateField, VnDateTimeField
from ungcuu.readiness.models import (
    CertProvider,
    CertStatus,
    EquipmentKind,
    EquipmentStatus,
    MovementKind,
    SupplyKind,
    TrainingTopic,
)

NUMBER = {"inputmode": "numeric"}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class SupplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=SupplyKind.choices)
    name = forms.CharField(label=_("Tên vật tư"), max_length=150)
    printer_model = forms.CharField(label=_("Dùng cho máy in"), max_length=100, required=False)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=30, initial="ram")
    quota = forms.IntegerField(
        label=_("Định mức"),
        min_value=0,
        max_value=100_000,
        initial=0,
        widget=forms.NumberInput(NUMBER),
    )
    threshold = forms.IntegerField(
        label=_("Báo sắp hết khi còn"),
        min_value=0,
        max_value=100_000,
        initial=0,
        widget=forms.NumberInput(NUMBER),
    )
    assignee = PersonChoiceField(label=_("Cán bộ theo dõi"), queryset=None, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


class MovementForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[c for c in MovementKind.choices if c[0] != MovementKind.MOVED_IN],
        widget=forms.RadioSelect,
        initial=MovementKind.USED,
    )
    # Checked by the service, so "abc" or "-3" gets its Vietnamese message.
    quantity = forms.CharField(label=_("Số lượng"), max_length=12, widget=forms.TextInput(NUMBER))
    to_center = forms.ChoiceField(label=_("Chuyển cho trung tâm"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_center"].choices = [("", "—")] + [(c.code, c.short_name) for c in centers]


class EquipmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=EquipmentKind.choices)
    name = forms.CharField(label=_("Tên, model"), max_length=150)
    is_backup = forms.BooleanField(label=_("Thiết bị dự phòng"), required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=EquipmentStatus.choices)
    location = forms.CharField(label=_("Vị trí"), max_length=150, required=False)
    provider = forms.CharField(label=_("Nhà cung cấp / nhà mạng"), max_length=150, required=False)
    contract = forms.CharField(label=_("Số hợp đồng"), max_length=100, required=False)
    hotline = forms.CharField(label=_("Đường dây nóng"), max_length=30, required=False)
    last_tested_on = VnDateField(label=_("Kiểm tra, chạy thử lần cuối"), required=False)
    next_maintenance_on = VnDateField(label=_("Bảo trì / kiểm tra tiếp theo"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CertificateForm(forms.Form):
    holder = PersonChoiceField(label=_("Cán bộ"), queryset=None)
    provider = forms.ChoiceField(label=_("Nơi cấp"), choices=CertProvider.choices)
    file = forms.FileField(
        label=_("Tệp chứng thư (.cer, .crt) – đọc tự động số hiệu và hạn dùng"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.pem,.der"}),
    )
    serial = forms.CharField(label=_("Số hiệu (serial)"), max_length=100, required=False)
    valid_from = VnDateField(label=_("Hiệu lực từ"), required=False)
    valid_to = VnDateField(label=_("Hiệu lực đến"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=CertStatus.choices)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = people


class ScenarioField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DrillForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    scenario = ScenarioField(
        label=_("Tình huống diễn tập"),
        queryset=IncidentType.objects.active(),
        to_field_name="code",
        initial="software-down",
    )
    scheduled_at = VnDateTimeField(label=_("Thời gian"))
    participants = forms.ModelMultipleChoiceField(
        label=_("Người tham gia"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        self.fields["participants"].label_from_instance = lambda p: p.display_name


class EvaluateForm(forms.Form):
    minutes_to_paper = forms.CharField(
        label=_("Thời gian chuyển sang tiếp nhận giấy (phút)"),
        max_length=6,
        required=False,
        widget=forms.TextInput(NUMBER),
    )
    lessons = forms.CharField(
        label=_("Rút kinh nghiệm"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TrainingForm(forms.Form):
    person = PersonChoiceField(label=_("Cán bộ được tập huấn"), queryset=None)
    topic = forms.ChoiceField(label=_("Nội dung tập huấn"), choices=TrainingTopic.choices)
    trained_on = VnDateField(label=_("Ngày tập huấn"))
    provider = forms.CharField(
        label=_("Đơn vị tổ chức, địa điểm"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Sở Nội vụ, lớp bồi dưỡng kỹ năng mềm tại Trung tâm."),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
