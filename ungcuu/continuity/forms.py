"""Forms whose field names are the API's, so the offline queue can send them as JSON."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ungcuu.continuity.models import BoardNotice, ReturnPlace
from ungcuu.core.dates import VnDateTimeField

COMMON_DOCUMENTS = [
    _("Tờ khai / đơn theo mẫu"),
    _("Bản sao Căn cước công dân"),
    _("Giấy tờ chứng minh nơi cư trú"),
    _("Giấy ủy quyền (nếu nộp thay)"),
    _("Giấy tờ gốc để đối chiếu"),
]


class IntakeForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    citizen_name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=120,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "words", "data-offline-summary": ""}
        ),
    )
    citizen_id = forms.CharField(
        label=_("Số CCCD (12 chữ số)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"[0-9 .]*"}
        ),
    )
    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=250, required=False)
    procedure = forms.CharField(
        label=_("Thủ tục"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "procedures", "autocomplete": "off", "data-offline-summary": ""}
        ),
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục (nếu biết)"), max_length=30, required=False
    )
    processing_days = forms.CharField(
        label=_("Thời hạn giải quyết (ngày làm việc)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Để trống nếu thủ tục đã có trong danh sách."),
    )
    documents = forms.MultipleChoiceField(
        label=_("Thành phần hồ sơ đã nhận"),
        required=False,
        choices=[(str(d), d) for d in COMMON_DOCUMENTS],
        widget=forms.CheckboxSelectMultiple,
    )
    documents_note = forms.CharField(
        label=_("Giấy tờ khác / ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    copies = forms.CharField(
        label=_("Số lượng hồ sơ (bộ)"),
        required=False,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    received_at = VnDateTimeField(
        label=_("Thời điểm nhận"),
        required=False,
        help_text=_("Ngày/tháng/năm giờ:phút. Để trống: tính là lúc bấm “Ghi hồ sơ”."),
        error_messages={
            "invalid": _(
                "Thời điểm nhận không hợp lệ: nhập ngày/tháng/năm giờ:phút (24 giờ), "
                "ví dụ 04/12/2026 14:30."
            )
        },
    )
    return_place = forms.ChoiceField(
        label=_("Đăng ký nhận kết quả tại"),
        choices=ReturnPlace.choices,
        initial=ReturnPlace.DESK,
        widget=forms.RadioSelect,
    )
    needs_db_check = forms.BooleanField(
        label=_("Cần đối chiếu CSDL quốc gia về dân cư sau khi khôi phục"), required=False
    )

    def clean_documents(self):
        return self.cleaned_data["documents"]


class ReentryForm(forms.Form):
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ trên phần mềm một cửa"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "000.00.04.H40-260114-0002"}
        ),
    )


class BoardNoticeForm(forms.ModelForm):
    class Meta:
        model = BoardNotice
        fields = ["expected_recovery", "paper_intake", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
