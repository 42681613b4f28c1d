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
