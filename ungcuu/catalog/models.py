"""Incident types and their playbooks (Biểu hiện / Xử lý / Phụ trách / Phòng ngừa)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    SIMPLE = "simple", _("Đơn giản")
    COMPLEX = "complex", _("Phức tạp")


class IncidentTypeQuerySet(models.QuerySet):
    def active(self) -> IncidentTypeQuerySet:
        return self.filter(is_active=True)


class IncidentType(models.Model):
    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    tier = models.CharField("mức độ", max_length=10, choices=Tier.choices)
    position = models.PositiveSmallIntegerField("thứ tự", default=100)
    symptoms = models.TextField("biểu hiện", blank=True)
    owner = models.TextField("phụ trách", blank=True)
    prevention = models.TextField("biện pháp phòng ngừa", blank=True)
    citizen_notice = models.TextField("thông báo cho người dân", blank=True)
    escalation = models.TextField("báo cáo, liên hệ", blank=True)
    escalation_targets = models.JSONField(
        "loại đơn vị cần báo khi chuyển tuyến",
        default=list,
        blank=True,
        help_text='Danh sách loại đơn vị, ví dụ ["isp", "province_center"].',
    )
    tier_chosen_by_reporter = models.BooleanField(
        "người báo chọn mức độ", default=False, help_text="Dùng cho loại “Sự cố khác”."
    )
    is_active = models.BooleanField("đang dùng", default=True)

    objects = IncidentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = "loại sự cố"
        verbose_name_plural = "loại sự cố"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def prevention_lines(self) -> list[str]:
        return [line.lstrip("- ").strip() for line in self.prevention.splitlines() if line.strip()]


class PlaybookStep(models.Model):
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.CASCADE, related_name="steps", verbose_name="loại sự cố"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    section = models.CharField("nhóm", max_length=200, blank=True)
    text = models.TextField("việc cần làm")

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "các bước xử lý"
        ordering = ["incident_type", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident_type", "position"], name="one_step_per_position"
            )
        ]

    def __str__(self) -> str:
        return self.text
