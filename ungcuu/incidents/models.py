"""Incidents and their append-only timeline.

The timeline (IncidentEvent) is the record; the Incident row holds the state
derived from it, for fast queries. ``services.incident_rebuild`` derives the
row again from the events alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType, Tier
from ungcuu.org.models import Center, Organisation


class Status(models.TextChoices):
    REPORTED = "reported", _("Mới báo")
    ACKNOWLEDGED = "acknowledged", _("Đã nhận tin")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ESCALATED = "escalated", _("Đã chuyển tuyến")
    RESOLVED = "resolved", _("Đã khắc phục")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATUSES = (Status.REPORTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ESCALATED)


class Impact(models.TextChoices):
    STOPPED = "stopped", _("Dừng tiếp nhận hồ sơ")
    PARTIAL = "partial", _("Tiếp nhận bị ảnh hưởng một phần")
    NONE = "none", _("Không ảnh hưởng tiếp nhận")


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Báo sự cố")
    ACKNOWLEDGED = "acknowledged", _("Xác nhận đã nhận tin")
    STARTED = "started", _("Bắt đầu xử lý")
    ASSIGNED = "assigned", _("Giao người xử lý")
    STEP_DONE = "step_done", _("Đã làm bước")
    STEP_UNDONE = "step_undone", _("Bỏ đánh dấu bước")
    NOTE = "note", _("Ghi chú")
    ATTACHMENT = "attachment", _("Thêm ảnh/video")
    ESCALATED = "escalated", _("Chuyển tuyến")
    RESOLVED = "resolved", _("Đã khắc phục")
    CLOSED = "closed", _("Đóng sự cố")
    REOPENED = "reopened", _("Mở lại")
    NOTIFIED = "notified", _("Gửi tin")


class Source(models.TextChoices):
    """Who opened the incident: a person, a probe that saw a service fail, or the hub when
    a center's node fell silent."""

    PERSON = "person", _("Người báo")
    PROBE = "probe", _("Giám sát tự động")
    HEARTBEAT = "heartbeat", _("Mất liên lạc với máy của Trung tâm")


class MajorScope(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    NATIONAL = "national", _("Toàn quốc")


class MajorStatus(models.TextChoices):
    OPEN = "open", _("Đang diễn ra")
    RESOLVED = "resolved", _("Đã khắc phục")


class MajorIncident(models.Model):
    """One outage shared by many centers (a carrier's fibre cut, the province's one-stop
    software, the national population database): the centers' own incidents are its
    children. The province and the vendor hear about it once, not once per center."""

    number = models.CharField("số sự cố diện rộng", max_length=40, unique=True)
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="+", verbose_name="loại sự cố"
    )
    scope = models.CharField("phạm vi", max_length=10, choices=MajorScope.choices)
    province = models.ForeignKey(
        "org.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="major_incidents",
        verbose_name="tỉnh/thành phố",
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=MajorStatus.choices, default=MajorStatus.OPEN
    )
    started_at = models.DateTimeField("bắt đầu lúc")
    opened_at = models.DateTimeField("ghi nhận lúc")
    resolved_at = models.DateTimeField("khắc phục lúc", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người xác nhận khắc phục",
    )
    note = models.TextField("ghi chú", blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provinces",
        verbose_name="thuộc sự cố diện rộng toàn quốc",
    )
    # Bumped when a center joins, so the province's message can be sent again, updated.
    centers_told = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "sự cố diện rộng"
        verbose_name_plural = "sự cố diện rộng"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["status", "incident_type"], name="major_status_type"),
        ]
        constraints = [
            # At most one open major incident per type and province (and one national).
            models.UniqueConstraint(
                fields=["incident_type", "province"],
                condition=models.Q(status="open", scope="province"),
                name="one_open_major_per_province_type",
            ),
            models.UniqueConstraint(
                fields=["incident_type"],
                condition=models.Q(status="open", scope="national"),
                name="one_open_national_major_per_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.incident_type.name}"

    @property
    def is_open(self) -> bool:
        return self.status == MajorStatus.OPEN


class CorrelationRule(models.Model):
    """When reports of one type at K centers within T minutes make a major incident: per
    province and type; a row without a type is the province's default, a row without a
    province the national default (UngCuu's own defaults: 3 centers, 15 minutes)."""

    province = models.ForeignKey(
        "org.Province",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="tỉnh/thành phố",
        help_text="Để trống: áp dụng khi tỉnh không có quy tắc riêng, và cho sự cố toàn quốc.",
    )
    incident_type = models.ForeignKey(
        IncidentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="loại sự cố",
        help_text="Để trống: mọi loại sự cố.",
    )
    centers = models.PositiveSmallIntegerField("số trung tâm (K)", default=3)
    minutes = models.PositiveSmallIntegerField("trong số phút (T)", default=15)
    enabled = models.BooleanField("gộp thành sự cố diện rộng", default=True)

    class Meta:
        verbose_name = "quy tắc gộp sự cố diện rộng"
        verbose_name_plural = "quy tắc gộp sự cố diện rộng"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "incident_type"], name="one_rule_per_province_type"
            ),
            models.CheckConstraint(condition=models.Q(centers__gte=2), name="rule_two_centers"),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="rule_one_minute"),
        ]


class SyncedFrom(models.TextChoices):
    """Where a record came from when it was not written here: a center's node and its
    province's hub each own the records they write (ungcuu/sync)."""

    HERE = "", _("Ghi tại máy này")
    HUB = "hub", _("Từ máy chủ của tỉnh")
    NODE = "node", _("Từ máy của Trung tâm")


class IncidentQuerySet(models.QuerySet):
    def open(self) -> IncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_logbook(self) -> IncidentQuerySet:
        return self.select_related("center", "incident_type", "reporter", "assignee")


class Incident(models.Model):
    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Fingerprint of the body that created the row: a replay with another body is a 409.
    client_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    number = models.CharField("số sự cố", max_length=30, unique=True)
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="incidents", verbose_name="trung tâm"
    )
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="incidents", verbose_name="loại"
    )
    tier = models.CharField("mức độ", max_length=10, choices=Tier.choices)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    description = models.TextField("mô tả", blank=True)
    impact = models.CharField(
        "ảnh hưởng", max_length=10, choices=Impact.choices, default=Impact.PARTIAL
    )
    citizens_waiting = models.PositiveIntegerField("số người dân đang chờ", default=0)
    started_at = models.DateTimeField("thời điểm phát sinh")
    reported_at = models.DateTimeField("thời điểm báo")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name="người báo",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        verbose_name="người xử lý",
    )
    acknowledged_at = models.DateTimeField("thời điểm nhận tin", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người nhận tin",
    )
    escalated_at = models.DateTimeField("thời điểm chuyển tuyến", null=True, blank=True)
    resolved_at = models.DateTimeField("thời điểm xác nhận khắc phục", null=True, blank=True)
    restored_at = models.DateTimeField("thời điểm khôi phục", null=True, blank=True)
    closed_at = models.DateTimeField("thời điểm đóng", null=True, blank=True)
    root_cause = models.TextField("nguyên nhân", blank=True)
    resolution = models.TextField("cách khắc phục", blank=True)
    citizens_affected = models.PositiveIntegerField("số người dân bị ảnh hưởng", default=0)
    dossiers_delayed = models.PositiveIntegerField("số hồ sơ bị chậm", default=0)
    # Recorded during a drill (diễn tập): kept in the log book, never counted in
    # statistics or reminders for real incidents.
    is_drill = models.BooleanField("diễn tập", default=False)
    source = models.CharField("nguồn", max_length=10, choices=Source.choices, default=Source.PERSON)
    major_incident = models.ForeignKey(
        MajorIncident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="thuộc sự cố diện rộng",
    )
    steps_done = models.JSONField("các bước đã làm", default=list, blank=True)
    # The checklist as the center's plan had it when the incident was reported, when the
    # center or its province has its own version of the type; empty: the shipped playbook.
    playbook = models.JSONField("các bước xử lý", default=list, blank=True, editable=False)
    escalated_to = models.ManyToManyField(
        Organisation,
        through="IncidentEscalation",
        related_name="escalated_incidents",
        verbose_name="đã chuyển tới",
        blank=True,
    )
    # Number, type, description and cause without diacritics, for search that
    # works the same on SQLite and PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)
    synced_from = models.CharField(
        max_length=4, choices=SyncedFrom.choices, default="", blank=True, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = "sự cố"
        verbose_name_plural = "sự cố"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["center", "-started_at"], name="incident_center_started"),
            models.Index(fields=["status", "center"], name="incident_status_center"),
            # Reports and dashboards of a province (or of every center) read one
            # period across all its centers: a range on started_at (bench/report_scale.py).
            models.Index(fields=["started_at"], name="incident_started"),
            # Correlation reads one type's reports of the last minutes (services/major.py).
            models.Index(fields=["incident_type", "reported_at"], name="incident_type_reported"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.incident_type.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def downtime(self):
        if self.restored_at:
            return self.restored_at - self.started_at
        return None


class IncidentEvent(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("loại", max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    at = models.DateTimeField("thời điểm")
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)
    payload = models.JSONField(default=dict, blank=True)
    # The timeline's order (a hybrid logical clock, in microseconds): the event's time,
    # or one more than the incident's latest event when that is later. An event written
    # after another was seen sorts after it whatever the two machines' clocks say; events
    # written apart (a node and its hub during a cut) sort by time, then uuid.
    hlc = models.BigIntegerField(default=0, editable=False)
    synced_from = models.CharField(
        max_length=4, choices=SyncedFrom.choices, default="", blank=True, editable=False
    )

    class Meta:
        verbose_name = "diễn biến"
        verbose_name_plural = "diễn biến"
        ordering = ["hlc", "uuid"]
        indexes = [
            models.Index(fields=["incident", "at"], name="event_incident_at"),
            models.Index(fields=["incident", "hlc"], name="event_incident_hlc"),
        ]

    def save(self, *args, **kwargs):
        if not self.hlc and self.at is not None:
            self.hlc = micros(self.at)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.at:%d/%m/%Y %H:%M}"


def micros(moment) -> int:
    """A moment as whole microseconds since the epoch (the timeline's clock)."""
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class IncidentEscalation(models.Model):
    """Which outside organisations an incident was escalated to (and may see it)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "organisation"], name="escalated_once_per_org"
            )
        ]


def _upload_path(instance: Attachment, filename: str) -> str:
    return f"incidents/{instance.incident.reported_at:%Y/%m}/{filename}"


class Attachment(models.Model):
    """A photo or short video of the error screen, checked by content."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_upload_path, max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synced_from = models.CharField(
        max_length=4, choices=SyncedFrom.choices, default="", blank=True, editable=False
    )

    class Meta:
        verbose_name = "ảnh/video"
        verbose_name_plural = "ảnh/video"
        ordering = ["created_at"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IncidentSequence(models.Model):
    """The last incident number given at a center in a year."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="one_sequence_per_year")
        ]
