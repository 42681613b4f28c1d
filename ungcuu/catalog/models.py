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


# --- Each center's own plan (R25) ------------------------------------------------------
# The shipped catalog is the default. A province adjusts it for all its centers, a center
# leader for the center; the most local adjustment wins, field by field. Every row is owned
# by exactly one province or one center, and every change is in the audit log.


class PlanLevel(models.TextChoices):
    """What the plan calls the upper level: seed 003 (Hải Phòng) says "thành phố"."""

    PROVINCE = "tinh", "tỉnh"
    CITY = "thanh-pho", "thành phố"


class BodyKind(models.TextChoices):
    COMMUNE = "commune", _("UBND xã/phường")
    DEPARTMENT = "department", _("Sở quản lý")
    PROVINCE_CENTER = "province_center", _("Trung tâm Phục vụ hành chính công tỉnh/thành phố")
    OTHER = "other", _("Khác")


def _one_owner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            models.Q(province__isnull=False, center__isnull=True)
            | models.Q(province__isnull=True, center__isnull=False)
        ),
        name=name,
    )


class PlanSetting(models.Model):
    """A province's or a center's choices on the plan as a whole."""

    province = models.OneToOneField(
        "org.Province",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="tỉnh/thành phố",
    )
    center = models.OneToOneField(
        "org.Center", on_delete=models.CASCADE, null=True, blank=True, verbose_name="trung tâm"
    )
    level = models.CharField(
        "cấp trên gọi là", max_length=10, choices=PlanLevel.choices, blank=True, default=""
    )
    # Reports upward (000 III.5, 000 2.1c; R17, R23). Empty: the level above's, else
    # UngCuu's own defaults (the plans give no number).
    report_every_incident = models.BooleanField(
        "gửi báo cáo mọi sự cố (không chỉ sự cố phức tạp)", null=True, blank=True
    )
    long_outage_minutes = models.PositiveIntegerField(
        "sự cố kéo dài: báo cấp trên sau (phút)", null=True, blank=True
    )
    repeat_count = models.PositiveSmallIntegerField(
        "sự cố lặp lại: số lần cùng loại", null=True, blank=True
    )
    repeat_days = models.PositiveSmallIntegerField(
        "sự cố lặp lại: trong số ngày", null=True, blank=True
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "thiết lập phương án"
        verbose_name_plural = "thiết lập phương án"
        constraints = [_one_owner("plan_setting_one_owner")]


class ReportBody(models.Model):
    """A body the center's incidents are reported to (step 5 of the general procedure,
    000/001/003 III.5). A center's rows replace its province's, which replace the default."""

    province = models.ForeignKey(
        "org.Province",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_bodies",
        verbose_name="tỉnh/thành phố",
    )
    center = models.ForeignKey(
        "org.Center",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_bodies",
        verbose_name="trung tâm",
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("tên cơ quan", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=BodyKind.choices)
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="đơn vị trong danh bạ",
        help_text="Báo cáo gửi qua kênh và thư điện tử của đơn vị này.",
    )
    email = models.EmailField("thư điện tử nhận báo cáo", blank=True)

    class Meta:
        verbose_name = "nơi nhận báo cáo sự cố"
        verbose_name_plural = "nơi nhận báo cáo sự cố"
        ordering = ["position", "pk"]
        constraints = [_one_owner("report_body_one_owner")]

    def __str__(self) -> str:
        return self.name


class TypeAdjustment(models.Model):
    """A province's or a center's own version of one incident type's playbook. A field left
    empty (None) keeps the value from the level above."""

    province = models.ForeignKey(
        "org.Province",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="type_adjustments",
        verbose_name="tỉnh/thành phố",
    )
    center = models.ForeignKey(
        "org.Center",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="type_adjustments",
        verbose_name="trung tâm",
    )
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.CASCADE, related_name="+", verbose_name="loại sự cố"
    )
    symptoms = models.TextField("biểu hiện", null=True, blank=True)
    steps = models.JSONField(
        "các bước xử lý", null=True, blank=True, help_text='[{"section": "...", "text": "..."}]'
    )
    owner = models.TextField("phụ trách", null=True, blank=True)
    prevention = models.TextField("biện pháp phòng ngừa", null=True, blank=True)
    escalation = models.TextField("báo cáo, liên hệ", null=True, blank=True)
    escalation_targets = models.JSONField(
        "loại đơn vị cần liên hệ", null=True, blank=True, help_text='Ví dụ ["isp"].'
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "phương án riêng cho loại sự cố"
        verbose_name_plural = "phương án riêng cho loại sự cố"
        constraints = [
            _one_owner("type_adjustment_one_owner"),
            models.UniqueConstraint(
                fields=["province", "incident_type"],
                condition=models.Q(province__isnull=False),
                name="one_adjustment_per_province_type",
            ),
            models.UniqueConstraint(
                fields=["center", "incident_type"],
                condition=models.Q(center__isnull=False),
                name="one_adjustment_per_center_type",
            ),
        ]

    def __str__(self) -> str:
        return str(self.incident_type)
