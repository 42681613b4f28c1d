"""Incident minutes as edited before signing, and reports built in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungcuu.incidents.models import Incident
from ungcuu.org.models import Center


class Minutes(models.Model):
    """The minutes of one incident (biên bản ghi nhận sự cố, Mẫu 1.9), as last saved."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="minutes", verbose_name="sự cố"
    )
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số")
    held_at = models.DateTimeField("thời gian bắt đầu")
    ended_at = models.DateTimeField("thời gian kết thúc")
    place = models.CharField("địa điểm", max_length=300)
    chair = models.CharField("chủ tọa", max_length=200)
    recorder = models.CharField("thư ký", max_length=200)
    participants = models.TextField("thành phần tham dự")
    happened = models.TextField("diễn biến sự cố")
    times = models.TextField("thời gian bắt đầu – khôi phục")
    actions = models.TextField("các biện pháp đã xử lý", blank=True)
    effect = models.TextField("ảnh hưởng đến người dân, hồ sơ", blank=True)
    cause = models.TextField("nguyên nhân", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    parties = models.TextField("các bên ký", blank=True)
    recipients = models.TextField("nơi nhận", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "biên bản sự cố"
        verbose_name_plural = "biên bản sự cố"
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "number"], name="minutes_number_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/BB – {self.incident.number}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ReportJob(models.Model):
    """A quarterly report built by the task worker; the file is kept under DATA_DIR."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    params = models.JSONField(default=dict)
    format = models.CharField(max_length=8)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo đang lập"
        verbose_name_plural = "báo cáo đang lập"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name or str(self.uuid)


class UpwardReason(models.TextChoices):
    """Why an incident is reported to the bodies of the center's plan (R17, R23)."""

    RESOLVED = "resolved", _("đã khắc phục")
    PROLONGED = "prolonged", _("sự cố kéo dài")
    REPEATED = "repeated", _("sự cố lặp lại")


class UpwardState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    NO_ADDRESS = "no_address", _("Chưa có địa chỉ nhận")


class UpwardReport(models.Model):
    """One report of one incident to one body of the center's plan (step 5 of the general
    procedure; 000 2.1c): the outbox row, sent once per incident, body and reason."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="upward_reports", verbose_name="sự cố"
    )
    reason = models.CharField("lý do", max_length=20, choices=UpwardReason.choices)
    body_name = models.CharField("cơ quan nhận", max_length=200)
    body_kind = models.CharField("loại cơ quan", max_length=20, blank=True)
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đơn vị trong danh bạ",
    )
    email = models.EmailField("thư điện tử của cơ quan", blank=True)
    note = models.TextField("nội dung thêm", blank=True)
    state = models.CharField(
        "trạng thái", max_length=20, choices=UpwardState.choices, default=UpwardState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    via = models.CharField("gửi qua", max_length=20, blank=True)  # "email" or a channel scheme
    address = models.CharField("địa chỉ đã gửi", max_length=300, blank=True)
    last_error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo cấp trên"
        verbose_name_plural = "báo cáo cấp trên"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "body_name", "reason"], name="upward_report_once"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="upward_due")]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.body_name} ({self.get_state_display()})"

    @property
    def via_label(self) -> str:
        """How it went, as the incident page says it ("thư điện tử", "Zalo" …)."""
        return str(VIA_LABELS.get(self.via, self.via))


# The channel a report went through, in the words of the incident page.
VIA_LABELS = {
    "email": _("thư điện tử"),
    "mailto": _("thư điện tử"),
    "mailtos": _("thư điện tử"),
    "zalo": "Zalo",
    "tgram": "Telegram",
    "workflows": "Teams",
    "ntfy": "ntfy",
    "json": "webhook",
    "jsons": "webhook",
    "httpsms": "SMS",
    "smseagle": "SMS",
    "smseagles": "SMS",
    "brandname": "SMS",
    "brandnames": "SMS",
}
