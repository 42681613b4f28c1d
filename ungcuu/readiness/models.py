"""Readiness: the start-of-day check, supplies, equipment, certificates and drills."""

from __future__ import annotations

import uuid
from datetime import date, time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType
from ungcuu.org.models import Center

# --- policy ---------------------------------------------------------------------------

# UngCuu's own defaults, not the plans': 000 1.2.3 asks for a software check "đầu ngày"
# and reminders to change passwords "định kỳ", with no hour and no number of days.
UNGCUU_DEFAULT = _("mặc định của UngCuu, phương án không quy định")
DEFAULT_CHECK_DEADLINE = time(9, 0)
DEFAULT_PASSWORD_DAYS = 90


class ReadinessPolicy(models.Model):
    """Per-center settings for the check and the reminders. The plans name the duties
    (000 1.2.3) but no hour or period: the defaults are UngCuu's own."""

    center = models.OneToOneField(
        Center,
        on_delete=models.CASCADE,
        related_name="readiness_policy",
        verbose_name=_("trung tâm"),
    )
    check_deadline = models.TimeField(
        _("hạn kiểm tra đầu ngày"),
        default=DEFAULT_CHECK_DEADLINE,
        help_text=_("Sau giờ này, lãnh đạo thấy Trung tâm chưa kiểm tra."),
    )
    password_days = models.PositiveSmallIntegerField(
        _("nhắc đổi mật khẩu sau mỗi (ngày)"),
        default=DEFAULT_PASSWORD_DAYS,
        help_text=_("Định kỳ nhắc cán bộ cập nhật mật khẩu an toàn. 0 = tắt."),
    )

    class Meta:
        verbose_name = _("thiết lập sẵn sàng")
        verbose_name_plural = _("thiết lập sẵn sàng")

    def __str__(self) -> str:
        return str(self.center)


# --- start-of-day check --------------------------------------------------------------


class CheckItem(models.Model):
    """One line of a center's start-of-day checklist (editable per center)."""

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="check_items", verbose_name=_("trung tâm")
    )
    label = models.CharField(_("nội dung kiểm tra"), max_length=200)
    incident_type = models.ForeignKey(
        IncidentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loại sự cố khi báo lỗi"),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mục kiểm tra đầu ngày")
        verbose_name_plural = _("mục kiểm tra đầu ngày")
        ordering = ["center", "position", "id"]

    def __str__(self) -> str:
        return self.label


class DailyCheck(models.Model):
    """A center's start-of-day check on one day."""

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="daily_checks", verbose_name=_("trung tâm")
    )
    day = models.DateField(_("ngày"))
    done_at = models.DateTimeField(_("kiểm tra lúc"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người kiểm tra"),
    )
    faults = models.PositiveSmallIntegerField(_("số mục lỗi"), default=0)

    class Meta:
        verbose_name = _("kiểm tra đầu ngày")
        verbose_name_plural = _("kiểm tra đầu ngày")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["center", "day"], name="one_check_per_center_day")
        ]

    def __str__(self) -> str:
        return f"{self.center.short_name} – {self.day:%d/%m/%Y}"


class CheckSubmission(models.Model):
    """Every ``client_uuid`` a check was recorded with, so that replaying an older one
    (a phone back online) never overwrites a later check of the same day."""

    client_uuid = models.UUIDField(unique=True, editable=False)
    check_run = models.ForeignKey(DailyCheck, on_delete=models.CASCADE, related_name="submissions")
    at = models.DateTimeField()


class CheckResult(models.Model):
    check_run = models.ForeignKey(DailyCheck, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(CheckItem, on_delete=models.SET_NULL, null=True, related_name="+")
    label = models.CharField(_("nội dung"), max_length=200)
    ok = models.BooleanField(_("đạt"))

    class Meta:
        ordering = ["id"]


# --- supplies ------------------------------------------------------------------------


class SupplyKind(models.TextChoices):
    PAPER_A4 = "paper_a4", _("Giấy A4")
    PAPER_A5 = "paper_a5", _("Giấy A5")
    INK = "ink", _("Mực in / hộp mực")
    OTHER = "other", _("Vật tư khác")


class SupplyItem(models.Model):
    """A consumable kept at a center against its quota (định mức)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="supplies", verbose_name=_("trung tâm")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=SupplyKind.choices)
    name = models.CharField(_("tên vật tư"), max_length=150)
    printer_model = models.CharField(_("dùng cho máy in"), max_length=100, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=30, default="ram")
    quota = models.PositiveIntegerField(_("định mức"), default=0)
    threshold = models.PositiveIntegerField(
        _("báo sắp hết khi còn"), default=0, help_text=_("Còn bằng hoặc ít hơn số này thì nhắc.")
    )
    stock = models.IntegerField(_("tồn kho"), default=0, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ theo dõi"),
    )

    class Meta:
        verbose_name = _("vật tư")
        verbose_name_plural = _("vật tư")
        ordering = ["center", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_low(self) -> bool:
        return self.stock <= self.threshold


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Nhập")
    USED = "used", _("Sử dụng")
    MOVED_OUT = "moved_out", _("Chuyển sang trung tâm khác")
    MOVED_IN = "moved_in", _("Nhận từ trung tâm khác")


class StockMovement(models.Model):
    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(SupplyItem, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("loại"), max_length=20, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("số lượng"))
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supply_movements",
        verbose_name=_("sự cố"),
    )
    other_center = models.ForeignKey(
        Center, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nhập/xuất vật tư")
        verbose_name_plural = _("nhập/xuất vật tư")
        ordering = ["-at", "-id"]

    @property
    def delta(self) -> int:
        sign = 1 if self.kind in (MovementKind.RECEIVED, MovementKind.MOVED_IN) else -1
        return sign * self.quantity


# --- equipment -----------------------------------------------------------------------


class EquipmentKind(models.TextChoices):
    PRINTER = "printer", _("Máy in")
    LINE = "line", _("Đường truyền Internet")
    ROUTER = "router", _("Bộ phát Wi-Fi 4G/5G")
    GENERATOR = "generator", _("Máy nổ (máy phát điện)")
    UPS = "ups", _("Bộ lưu điện (UPS)")
    PC = "pc", _("Máy tính")
    QMS = "qms", _("Hệ thống bấm số xếp hàng")
    OTHER = "other", _("Thiết bị khác")


class EquipmentStatus(models.TextChoices):
    WORKING = "working", _("Hoạt động tốt")
    FAULTY = "faulty", _("Đang hỏng")
    REPAIR = "repair", _("Đang sửa chữa, bảo trì")
    RETIRED = "retired", _("Ngừng sử dụng")


class Equipment(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="equipment", verbose_name=_("trung tâm")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=EquipmentKind.choices)
    name = models.CharField(_("tên, model"), max_length=150)
    is_backup = models.BooleanField(_("thiết bị dự phòng"), default=False)
    provider = models.CharField(_("nhà cung cấp / nhà mạng"), max_length=150, blank=True)
    contract = models.CharField(_("số hợp đồng"), max_length=100, blank=True)
    hotline = models.CharField(_("đường dây nóng"), max_length=30, blank=True)
    location = models.CharField(_("vị trí"), max_length=150, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.WORKING,
    )
    last_tested_on = models.DateField(_("kiểm tra, chạy thử lần cuối"), null=True, blank=True)
    next_maintenance_on = models.DateField(_("bảo trì / kiểm tra tiếp theo"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thiết bị")
        verbose_name_plural = _("thiết bị")
        ordering = ["center", "kind", "-is_backup", "name"]

    def __str__(self) -> str:
        return self.name

    def is_due(self, today: date) -> bool:
        return bool(
            self.next_maintenance_on
            and self.next_maintenance_on <= today
            and self.status != EquipmentStatus.RETIRED
        )


class IncidentEquipment(models.Model):
    """The equipment involved in an incident."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="equipment_links"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="incident_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "equipment"], name="equipment_once_per_incident"
            )
        ]


# --- certificates --------------------------------------------------------------------


class CertProvider(models.TextChoices):
    BCY = "bcy", _("Ban Cơ yếu Chính phủ")
    VNPT = "vnpt", _("VNPT-CA")
    VIETTEL = "viettel", _("Viettel-CA")
    OTHER = "other", _("Khác")


class CertStatus(models.TextChoices):
    IN_USE = "in_use", _("Đang dùng")
    RENEWING = "renewing", _("Đang làm thủ tục cấp mới")
    REVOKED = "revoked", _("Đã thu hồi / hỏng / mất")


class Certificate(models.Model):
    """An officer's digital-signature certificate (USB token)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("trung tâm")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("cán bộ"),
    )
    provider = models.CharField(_("nơi cấp"), max_length=20, choices=CertProvider.choices)
    subject = models.CharField(_("tên trên chứng thư"), max_length=300, blank=True)
    serial = models.CharField(_("số hiệu (serial)"), max_length=100)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CertStatus.choices, default=CertStatus.IN_USE
    )

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        ordering = ["valid_to"]

    def __str__(self) -> str:
        return f"{self.holder} – {self.serial}"

    def days_left(self, today: date) -> int:
        return (self.valid_to - today).days


# --- drills --------------------------------------------------------------------------


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Đã lên lịch")
    RUNNING = "running", _("Đang diễn tập")
    DONE = "done", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã hủy")


class Drill(models.Model):
    """A drill (diễn tập) of one incident type at a center."""

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="drills", verbose_name=_("trung tâm")
    )
    scenario = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("tình huống")
    )
    scheduled_at = models.DateTimeField(_("thời gian dự kiến"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="drills",
        verbose_name=_("người tham gia"),
        blank=True,
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    minutes_to_report = models.PositiveIntegerField(_("thời gian báo sự cố (phút)"), null=True)
    minutes_to_ack = models.PositiveIntegerField(_("thời gian nhận tin (phút)"), null=True)
    minutes_to_paper = models.PositiveIntegerField(
        _("thời gian chuyển sang tiếp nhận giấy (phút)"), null=True, blank=True
    )
    lessons = models.TextField(_("rút kinh nghiệm"), blank=True)

    class Meta:
        verbose_name = _("diễn tập")
        verbose_name_plural = _("diễn tập")
        ordering = ["scheduled_at"]
        indexes = [models.Index(fields=["center", "status"], name="drill_center_status")]

    def __str__(self) -> str:
        return f"{self.scenario.name} – {self.center.short_name}"


# --- training ------------------------------------------------------------------------


class TrainingTopic(models.TextChoices):
    # 003 IV.1 c–d and VI.2: staff trained in contact with disabled people and in
    # conflict handling are the ones sent to those citizens.
    DISABILITY = "disability", _("Phục vụ người khuyết tật, người cao tuổi")
    CONFLICT = "conflict", _("Kỹ năng xử lý xung đột")
    DIGITAL = "digital", _("Kỹ năng số, hướng dẫn dịch vụ công trực tuyến")
    DRILL = "drill", _("Diễn tập ứng phó sự cố")
    OTHER = "other", _("Kỹ năng mềm, thái độ phục vụ, khác")


class TrainingRecord(models.Model):
    """One person trained in one topic on one day (tập huấn, bồi dưỡng)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    center = models.ForeignKey(
        Center,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("trung tâm"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("cán bộ được tập huấn"),
    )
    topic = models.CharField(_("nội dung"), max_length=20, choices=TrainingTopic.choices)
    trained_on = models.DateField(_("ngày tập huấn"))
    provider = models.CharField(_("đơn vị tổ chức, địa điểm"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tập huấn")
        verbose_name_plural = _("tập huấn")
        ordering = ["-trained_on", "-id"]
        indexes = [models.Index(fields=["center", "topic"], name="training_center_topic")]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_topic_display()} ({self.trained_on:%d/%m/%Y})"
