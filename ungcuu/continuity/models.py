"""Keeping citizens served during an outage: the paper intake register, the working-day
calendar its return dates count on, and the procedures desks take on paper."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungcuu.org.models import Center


class DayKind(models.TextChoices):
    OFF = "off", _("Ngày nghỉ thêm")
    WORKING = "working", _("Ngày làm việc bù")


class CalendarDay(models.Model):
    """An extra day off or an extra working day announced for a year, on top of the
    public holidays the ``holidays`` package knows."""

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=DayKind.choices)
    note = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù công bố thêm")
        verbose_name_plural = _("ngày nghỉ / làm bù công bố thêm")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"


class Procedure(models.Model):
    """A procedure the desk takes (thủ tục hành chính), for quick choice on the form
    and its processing time and cut-off hour."""

    code = models.CharField(_("mã thủ tục"), max_length=30, blank=True)
    name = models.CharField(_("tên thủ tục"), max_length=300, unique=True)
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    cutoff = models.TimeField(
        _("giờ chốt nhận"),
        null=True,
        blank=True,
        help_text=_("Nhận sau giờ này thì tính từ ngày làm việc kế tiếp, ví dụ 15:00."),
    )
    documents = models.TextField(
        _("thành phần hồ sơ"), blank=True, help_text=_("Mỗi dòng một giấy tờ.")
    )

    class Meta:
        verbose_name = _("thủ tục")
        verbose_name_plural = _("thủ tục")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


class ReturnPlace(models.TextChoices):
    DESK = "desk", _("Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


def _status_token() -> str:
    return secrets.token_urlsafe(18)


class PaperIntakeQuerySet(models.QuerySet):
    def pending(self) -> PaperIntakeQuerySet:
        return self.filter(reentered_at__isnull=True)


class PaperIntake(models.Model):
    """A dossier taken on paper while the one-stop software could not be used; to be
    entered into it once it is back (re-entry)."""

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Fingerprint of the body that created the row: a replay with another body is a 409.
    client_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="paper_intakes", verbose_name=_("trung tâm")
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paper_intakes",
        verbose_name=_("sự cố"),
    )
    receipt_number = models.CharField(_("số phiếu tạm"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    book = models.CharField(_("quyển số"), max_length=20)
    citizen_name = models.CharField(_("họ và tên người nộp"), max_length=120)
    citizen_id = models.CharField(_("số CCCD"), max_length=12)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    email = models.CharField(_("thư điện tử"), max_length=120, blank=True)
    procedure = models.CharField(_("thủ tục"), max_length=300)
    procedure_code = models.CharField(_("mã thủ tục"), max_length=30, blank=True)
    documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True)
    documents_note = models.TextField(_("giấy tờ khác / ghi chú"), blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    received_at = models.DateTimeField(_("thời điểm nhận"))
    expected_return_date = models.DateField(_("ngày hẹn trả"))
    return_place = models.CharField(
        _("nhận kết quả tại"), max_length=10, choices=ReturnPlace.choices, default=ReturnPlace.DESK
    )
    needs_db_check = models.BooleanField(
        _("cần đối chiếu CSDL quốc gia sau khi khôi phục"), default=False
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    is_drill = models.BooleanField(_("diễn tập"), default=False)
    status_token = models.CharField(max_length=40, unique=True, default=_status_token)
    dossier_code = models.CharField(_("mã hồ sơ chính thức"), max_length=40, blank=True)
    reentered_at = models.DateTimeField(_("thời điểm nhập lại"), null=True, blank=True)
    reentered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập lại"),
    )
    db_checked_at = models.DateTimeField(
        _("thời điểm đối chiếu CSDL quốc gia"), null=True, blank=True
    )
    db_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đối chiếu CSDL quốc gia"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "node" at a hub: written at the center's own node, which owns it (ungcuu/sync).
    synced_from = models.CharField(max_length=4, default="", blank=True, editable=False)

    objects = PaperIntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ tiếp nhận bằng giấy")
        verbose_name_plural = _("hồ sơ tiếp nhận bằng giấy")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "sequence"], name="one_receipt_number_per_year"
            )
        ]
        indexes = [
            models.Index(fields=["center", "reentered_at", "received_at"], name="intake_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} – {self.citizen_name}"

    @property
    def is_pending(self) -> bool:
        return self.reentered_at is None

    @property
    def line(self) -> int:
        """The line in the paper register (Mẫu 07): the receipt's number in its year."""
        return self.sequence


class IntakeSequence(models.Model):
    """The last temporary receipt number given at a center in a year."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="one_intake_sequence_per_year")
        ]


class BoardNotice(models.Model):
    """What the team leader adds to the waiting-room screen of a center."""

    center = models.OneToOneField(
        Center, on_delete=models.CASCADE, related_name="board_notice", verbose_name=_("trung tâm")
    )
    expected_recovery = models.CharField(
        _("dự kiến khôi phục"), max_length=100, blank=True, help_text=_("Ví dụ: khoảng 10 giờ 30")
    )
    paper_intake = models.BooleanField(_("đang tiếp nhận hồ sơ bằng giấy"), default=False)
    message = models.TextField(_("lời nhắn thêm cho người dân"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bảng thông báo phòng chờ")
        verbose_name_plural = _("bảng thông báo phòng chờ")


def _sample_path(instance: SampleForm, filename: str) -> str:
    return f"paper-forms/{instance.center_id}/{filename}"


class SampleForm(models.Model):
    """A sample dossier or form the center keeps to print in advance for desks without
    devices (000 2.2.5 "in sẵn … hồ sơ mẫu, biểu mẫu giấy"; R79): the center's own files,
    since the legal forms are the procedures', not UngCuu's to draw."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="+", verbose_name=_("trung tâm")
    )
    title = models.CharField(_("tên mẫu"), max_length=200)
    file = models.FileField(upload_to=_sample_path, max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ mẫu, biểu mẫu in sẵn")
        verbose_name_plural = _("hồ sơ mẫu, biểu mẫu in sẵn")
        ordering = ["center", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
