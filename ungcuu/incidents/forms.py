from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.core.dates import VnDateField, VnDateTimeField, show_datetime
from ungcuu.incidents.models import Impact


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def local_now() -> str:
    """Now, as the date and time fields show it: dd/mm/yyyy HH:MM."""
    return show_datetime(timezone.now())


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: IncidentType) -> str:
        return obj.name


class ReportForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    incident_type = TypeChoiceField(
        label=_("Loại sự cố"),
        queryset=IncidentType.objects.active(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Vui lòng chọn loại sự cố.")},
    )
    tier = forms.ChoiceField(
        label=_("Mức độ (chỉ với “Sự cố khác”)"),
        choices=[("", _("Theo danh mục"))] + list(Tier.choices),
        required=False,
    )
    description = forms.CharField(
        label=_("Mô tả ngắn"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("Ví dụ: Máy in quầy số 2 báo hết giấy")}
        ),
    )
    impact = forms.ChoiceField(
        label=_("Ảnh hưởng"),
        choices=Impact.choices,
        initial=Impact.PARTIAL,
        widget=forms.RadioSelect,
    )
    citizens_waiting = forms.IntegerField(
        label=_("Số người dân đang chờ"),
        min_value=0,
        max_value=100_000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    started_at = VnDateTimeField(
        label=_("Phát sinh lúc"),
        required=False,
        help_text=_("Ngày/tháng/năm giờ:phút, ví dụ 04/12/2026 14:30. Để trống nếu vừa xảy ra."),
    )
    files = MultipleFileField(label=_("Ảnh hoặc video màn hình lỗi"), required=False)

    def clean(self):
        """004 B2 "Mô tả rõ sự cố" (R8): a complex incident, or "Sự cố khác", needs a few
        words; a simple one can still be sent with a tap. Asked here, at the form, so a
        report queued offline or sent by another tool is never lost for want of it."""
        data = super().clean()
        chosen = data.get("incident_type")
        if chosen is None or data.get("description", "").strip():
            return data
        tier = (data.get("tier") or chosen.tier) if chosen.tier_chosen_by_reporter else chosen.tier
        if chosen.tier_chosen_by_reporter or tier == Tier.COMPLEX:
            self.add_error(
                "description",
                _(
                    "Vui lòng mô tả rõ sự cố (biểu hiện, ở quầy/máy nào, từ lúc nào): "
                    "sự cố phức tạp và “Sự cố khác” cần mô tả để Tổ trưởng biết cần làm gì."
                ),
            )
        return data


class ResolveForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Nguyên nhân"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng ghi nguyên nhân.")},
    )
    resolution = forms.CharField(
        label=_("Đã khắc phục bằng cách"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    restored_at = VnDateTimeField(
        label=_("Hoạt động trở lại lúc"),
        help_text=_("Ngày/tháng/năm giờ:phút (24 giờ)."),
    )
    citizens_affected = forms.IntegerField(
        label=_("Số người dân bị ảnh hưởng"), min_value=0, max_value=100_000, initial=0
    )
    dossiers_delayed = forms.IntegerField(
        label=_("Số hồ sơ bị chậm"), min_value=0, max_value=100_000, initial=0
    )
    on_site_reason = forms.CharField(
        label=_("Lý do không chuyển tuyến (xử lý tại chỗ)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Sự cố phức tạp chưa chuyển tuyến: ghi vì sao Trung tâm tự xử lý được, "
            "không cần Tổ Công tác tỉnh và Tổ Đối ứng."
        ),
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ungcuu.incidents.services.timeline import needs_on_site_reason

        # Asked only where it matters: a complex incident nobody escalated.
        if incident is None or not needs_on_site_reason(incident):
            del self.fields["on_site_reason"]
        else:  # a city's center reads "Tổ Công tác thành phố" (seed 003)
            from ungcuu.catalog.playbooks import localised, plan_level

            field = self.fields["on_site_reason"]
            field.help_text = localised(str(field.help_text), plan_level(incident.center))


class LogbookFilterForm(forms.Form):
    center = forms.ChoiceField(label=_("Trung tâm"), required=False)
    type = forms.ChoiceField(label=_("Loại sự cố"), required=False)
    tier = forms.ChoiceField(
        label=_("Mức độ"), required=False, choices=[("", _("Tất cả"))] + list(Tier.choices)
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    date_from = VnDateField(label=_("Từ ngày"), required=False)
    date_to = VnDateField(label=_("Đến ngày"), required=False)
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    # Set by the report dashboards: their figures never count drills.
    no_drills = forms.BooleanField(label="", required=False, widget=forms.HiddenInput)
    # Set by the province dashboard: its figures cover that province's centers only.
    province = forms.IntegerField(
        label="", required=False, min_value=1, max_value=10**9, widget=forms.HiddenInput
    )

    def __init__(self, *args, centers=(), types=(), statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(centers) < 2:
            del self.fields["center"]  # one center: nothing to choose
        else:
            self.fields["center"].choices = [("", _("Tất cả"))] + [
                (c.code, c.short_name) for c in centers
            ]
        self.fields["type"].choices = [("", _("Tất cả"))] + [(t.code, t.name) for t in types]
        self.fields["status"].choices = [("", _("Tất cả")), ("open", _("Đang mở"))] + list(statuses)
