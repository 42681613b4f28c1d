"""Probes: a center's services checked by machine, and what they saw, kept compactly.

A probe that fails ``fail_after`` times in a row goes down and opens an incident of its
type at its center, through the same path as a person's report; ``recover_after``
successes bring it back up and mark that incident restored. Each change of state is one
:class:`ProbeChange`; the checks themselves are folded into one :class:`ProbeHour` per
probe and hour (counts and latency), so a year of checks every ten seconds stays small.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_INTERVAL = 10
MAX_INTERVAL = 86_400
MAX_STREAK = 100


class ProbeKind(models.TextChoices):
    HTTP = "http", _("Trang web (HTTP/HTTPS)")
    TCP = "tcp", _("Cổng TCP")
    DNS = "dns", _("Phân giải tên miền (DNS)")
    PING = "ping", _("Ping (ICMP)")
    SNMP_PRINTER = "snmp-printer", _("Máy in (SNMP)")
    NUT_UPS = "nut-ups", _("Bộ lưu điện (NUT)")


class ProbeState(models.TextChoices):
    UNKNOWN = "unknown", _("Chưa rõ")
    UP = "up", _("Hoạt động")
    DOWN = "down", _("Gián đoạn")


class Probe(models.Model):
    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="probes", verbose_name="trung tâm"
    )
    name = models.CharField("tên", max_length=100)
    kind = models.CharField("cách kiểm tra", max_length=20, choices=ProbeKind.choices)
    target = models.CharField(
        "địa chỉ",
        max_length=255,
        help_text=(
            "HTTP: địa chỉ http(s)://…; TCP: máy:cổng; DNS, ping: tên máy hoặc địa chỉ IP; "
            "máy in: [community@]máy[:cổng]; bộ lưu điện: [tên-ups@]máy[:cổng]."
        ),
    )
    incident_type = models.ForeignKey(
        "catalog.IncidentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="loại sự cố khi gián đoạn",
    )
    interval_s = models.PositiveIntegerField(
        "chu kỳ kiểm tra (giây)",
        default=60,
        validators=[MinValueValidator(MIN_INTERVAL), MaxValueValidator(MAX_INTERVAL)],
    )
    fail_after = models.PositiveSmallIntegerField(
        "báo gián đoạn sau (lần lỗi liên tiếp)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_STREAK)],
    )
    recover_after = models.PositiveSmallIntegerField(
        "báo hoạt động lại sau (lần đạt liên tiếp)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_STREAK)],
    )
    keyword = models.CharField(
        "từ khóa phải có trong trang", max_length=200, blank=True, help_text="Chỉ dùng cho HTTP."
    )
    flap_changes = models.PositiveSmallIntegerField(
        "chập chờn: số lần đổi trạng thái",
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(MAX_STREAK)],
        help_text="Đổi trạng thái từng này lần trong khoảng thời gian dưới đây thì giữ "
        "nguyên trạng thái và báo “đang chập chờn”.",
    )
    flap_minutes = models.PositiveSmallIntegerField(
        "chập chờn: trong (phút)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    enabled = models.BooleanField("đang bật", default=True)

    state = models.CharField(
        "trạng thái", max_length=10, choices=ProbeState.choices, default=ProbeState.UNKNOWN
    )
    flapping = models.BooleanField("đang chập chờn", default=False)
    last_checked_at = models.DateTimeField("kiểm tra lần cuối", null=True, blank=True)
    last_latency_ms = models.FloatField("thời gian phản hồi (ms)", null=True, blank=True)
    last_error = models.CharField("lỗi gần nhất", max_length=500, blank=True)
    warning = models.CharField("cảnh báo", max_length=300, blank=True)
    fail_count = models.PositiveIntegerField("số lần lỗi liên tiếp", default=0)
    ok_count = models.PositiveIntegerField("số lần đạt liên tiếp", default=0)
    first_failure_at = models.DateTimeField("lỗi từ", null=True, blank=True)
    first_success_at = models.DateTimeField("đạt lại từ", null=True, blank=True)
    next_run_at = models.DateTimeField("lần kiểm tra tới", default=timezone.now)
    open_incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sự cố đã mở",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm giám sát"
        verbose_name_plural = "điểm giám sát"
        ordering = ["center", "name"]
        constraints = [
            models.UniqueConstraint(fields=["center", "name"], name="monitor_probe_name_per_center")
        ]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="monitor_probe_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def state_label(self) -> str:
        if self.flapping:
            return str(_("Đang chập chờn"))
        return self.get_state_display()


class ProbeChange(models.Model):
    """A change of a probe's state; ``held`` when flap damping kept the old state."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("lúc")
    state = models.CharField("trạng thái mới", max_length=10, choices=ProbeState.choices)
    held = models.BooleanField("giữ nguyên do chập chờn", default=False)
    error = models.CharField("lỗi", max_length=500, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "lần đổi trạng thái"
        verbose_name_plural = "các lần đổi trạng thái"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["probe", "at"], name="monitor_change_probe_at")]


class ProbeHour(models.Model):
    """One probe's checks within one hour (UTC): how many were up or down, and latency."""

    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField("giờ")
    up = models.PositiveIntegerField(default=0)
    down = models.PositiveIntegerField(default=0)
    latency_min = models.FloatField(null=True, blank=True)
    latency_max = models.FloatField(null=True, blank=True)
    latency_sum = models.FloatField(default=0)
    latency_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "tổng hợp theo giờ"
        verbose_name_plural = "tổng hợp theo giờ"
        constraints = [
            models.UniqueConstraint(fields=["probe", "hour"], name="monitor_hour_per_probe")
        ]

    @property
    def latency_avg(self) -> float | None:
        return self.latency_sum / self.latency_count if self.latency_count else None
