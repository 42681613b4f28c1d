from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ungcuu.core.dates import VnDateField, VnDateTimeField, show_datetime


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MinutesForm(forms.Form):
    held_at = VnDateTimeField(label=_("Thời gian bắt đầu"))
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    participants = forms.CharField(
        label=_("Thành phần tham dự"),
        widget=_area(5),
        help_text=_("Mỗi người hoặc mỗi đơn vị một dòng."),
    )
    chair = forms.CharField(label=_("Chủ tọa"), max_length=200)
    recorder = forms.CharField(label=_("Thư ký (người ghi biên bản)"), max_length=200)
    happened = forms.CharField(label=_("1. Diễn biến sự cố"), widget=_area(4))
    times = forms.CharField(label=_("2. Thời gian bắt đầu – khôi phục"), widget=_area(5))
    actions = forms.CharField(label=_("3. Các biện pháp đã xử lý"), widget=_area(6), required=False)
    effect = forms.CharField(
        label=_("4. Ảnh hưởng đến người dân, hồ sơ"), widget=_area(4), required=False
    )
    cause = forms.CharField(label=_("5. Nguyên nhân"), widget=_area(3), required=False)
    proposals = forms.CharField(label=_("6. Đề xuất, kiến nghị"), widget=_area(4), required=False)
    ended_at = VnDateTimeField(label=_("Biên bản kết thúc lúc"))
    parties = forms.CharField(
        label=_("Các bên cùng ký (ngoài thư ký, chủ tọa)"),
        widget=_area(2),
        required=False,
        help_text=_("Ví dụ: ĐẠI DIỆN VNPT NGHỆ AN – mỗi bên một dòng."),
    )
    recipients = forms.CharField(label=_("Nơi nhận"), widget=_area(3), required=False)

    @staticmethod
    def initial_from(view) -> dict:
        data = {name: getattr(view, name) for name in MinutesForm.base_fields}
        for name in ("held_at", "ended_at"):
            data[name] = show_datetime(data[name])
        return data


PERIOD_KINDS = [("calendar", _("Quý theo lịch")), ("statistical", _("Kỳ thống kê (15 – 14)"))]


class PeriodForm(forms.Form):
    """Which report: the scope (center or province), the quarter or a date range."""

    scope = forms.ChoiceField(label=_("Báo cáo cho"), required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        coerce=int,
        required=False,
        choices=[("", "—"), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
    period = forms.ChoiceField(label=_("Cách tính quý"), choices=PERIOD_KINDS, required=False)
    date_from = VnDateField(label=_("Hoặc từ ngày"), required=False)
    date_to = VnDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(scopes) < 2:
            del self.fields["scope"]
        else:
            self.fields["scope"].choices = list(scopes)
