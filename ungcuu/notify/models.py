"""Channels, routing policy, escalation runs and the delivery outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ungcuu.org.models import Center, Contact, Role


class Channel(models.Model):
    """One way to reach a person or an outside contact (a group counts as a contact).

    The URL is any Apprise URL: zalo://, tgram://, mailto://, ntfy://, json://,
    workflows:// (Teams), httpsms://, smseagle://, brandname:// …"""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("người nhận"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("đầu mối / nhóm"),
    )
    url = models.CharField(_("địa chỉ kênh (Apprise)"), max_length=500)
    label = models.CharField(_("tên gợi nhớ"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(
        _("thứ tự thử"), default=1, help_text=_("Kênh số nhỏ được thử trước; lỗi thì thử kênh sau.")
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    # The last "Gửi thử" (test send) and the channel's own answer to it.
    tested_at = models.DateTimeField(_("gửi thử lúc"), null=True, blank=True, editable=False)
    test_ok = models.BooleanField(_("gửi thử được"), null=True, editable=False)
    test_answer = models.CharField(
        _("trả lời khi gửi thử"), max_length=300, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("kênh nhận tin")
        verbose_name_plural = _("kênh nhận tin")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="channel_has_one_owner",
                condition=(
                    Q(person__isnull=False, contact__isnull=True)
                    | Q(person__isnull=True, contact__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.label or self.scheme

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()


class OutsideTiming(models.TextChoices):
    """When a complex incident reaches the province and the type's counterpart team."""

    AT_ONCE = "at_once", _("Báo ngay khi có báo cáo (phương án 004, bước 1)")
    AFTER = "after", _("Sau số phút quy định, nếu Tổ trưởng chưa chuyển tuyến")


# Numbers the plans do not state: UngCuu's own defaults, which a center may change.
OWN_DEFAULT = _("Mặc định của UngCuu, phương án không quy định.")

# The center's people a level of the policy may reach. "responder" stands for the Tổ ứng
# cứu as it is on duty today (the duty roster), whatever each member's own role.
NOTIFY_ROLES = (
    Role.TEAM_LEADER,
    Role.RESPONDER,
    Role.IT_OFFICER,
    Role.CENTER_LEADER,
    Role.COMMUNE_LEADER,
)
# 004 B1: simple or complex, the report goes to the team leader at once.
ALWAYS_AT_ONCE = Role.TEAM_LEADER


def role_label(role: str) -> str:
    """How the policy page names a role it may tell."""
    if role == Role.RESPONDER:
        return str(_("Người trực hôm nay (Tổ ứng cứu)"))
    return str(Role(role).label)


def default_simple_roles() -> list[str]:
    """004 B1: the team leader; 000 III.3: the Tổ ứng cứu (today's duty); 003 III.1: the
    officer in charge of technology. Not telling the center leader of a simple incident
    at once is UngCuu's own default (003 III.1 names them for every incident)."""
    return [Role.TEAM_LEADER.value, Role.RESPONDER.value, Role.IT_OFFICER.value]


def default_complex_roles() -> list[str]:
    """004 B1 and 003 III.1: the team leader, the technical officer, the center leader."""
    return [
        r.value for r in (Role.TEAM_LEADER, Role.RESPONDER, Role.IT_OFFICER, Role.CENTER_LEADER)
    ]


def default_no_ack_roles() -> list[str]:
    """UngCuu's own default: the plans have no step for a report nobody took."""
    return [Role.CENTER_LEADER.value]


def default_prolonged_roles() -> list[str]:
    """000 2.1c asks to report upward when an incident lasts; whom (the center and the
    commune leaders, 000 III.5 "báo cáo về UBND xã") is UngCuu's own default."""
    return [Role.CENTER_LEADER.value, Role.COMMUNE_LEADER.value]


def default_disaster_roles() -> list[str]:
    """001/002: "Thành lập Ban chỉ đạo" for a disaster. The plans do not name its members:
    UngCuu's default is the commune leaders, who issue the plan, and the center leader,
    who "chịu trách nhiệm chỉ đạo thực hiện" it (000 V, 001 V.2)."""
    return [Role.CENTER_LEADER.value, Role.COMMUNE_LEADER.value]


class RoutingPolicy(models.Model):
    """Who is told when, per center. Who is told at once on a complex incident follows
    the plans (004 B1, 003 III.1); the waiting times are UngCuu's own defaults."""

    center = models.OneToOneField(
        Center, on_delete=models.CASCADE, related_name="routing_policy", verbose_name=_("trung tâm")
    )
    simple_ack_minutes = models.PositiveSmallIntegerField(
        _("chờ nhận tin – sự cố đơn giản (phút)"), default=15, help_text=OWN_DEFAULT
    )
    complex_ack_minutes = models.PositiveSmallIntegerField(
        _("chờ nhận tin – sự cố phức tạp (phút)"), default=5, help_text=OWN_DEFAULT
    )
    prolonged_minutes = models.PositiveSmallIntegerField(
        _("sự cố phức tạp kéo dài sau (phút)"), default=30, help_text=OWN_DEFAULT
    )
    complex_outside = models.CharField(
        _("sự cố phức tạp: báo Tổ Công tác tỉnh và Tổ Đối ứng"),
        max_length=10,
        choices=OutsideTiming.choices,
        default=OutsideTiming.AT_ONCE,
        help_text=_(
            "Phương án 004 (bước 1): Tổ trưởng báo ngay cho Tổ Công tác tỉnh và Tổ Đối ứng. "
            "Chọn “sau số phút” thì họ được báo khi hết thời gian mà Tổ trưởng chưa chuyển "
            "tuyến, và Tổ trưởng được nhắc cho tới khi chuyển tuyến."
        ),
    )
    complex_outside_minutes = models.PositiveSmallIntegerField(
        _("báo Tổ Công tác tỉnh và Tổ Đối ứng sau (phút)"),
        default=15,
        help_text=_(
            "Chỉ dùng khi chọn “sau số phút”; cũng là khoảng cách giữa các lần nhắc Tổ "
            "trưởng. Mặc định của UngCuu, phương án không quy định."
        ),
    )
    # Who each level tells at the center (values of NOTIFY_ROLES).
    at_once_simple_roles = models.JSONField(
        _("báo ngay – sự cố đơn giản"),
        default=default_simple_roles,
        help_text=_(
            "Phương án 004 (bước 1): báo trực tiếp cho Tổ trưởng. Cán bộ CNTT chỉ được báo "
            "khi là sự cố kỹ thuật."
        ),
    )
    at_once_complex_roles = models.JSONField(
        _("báo ngay – sự cố phức tạp"),
        default=default_complex_roles,
        help_text=_(
            "Phương án 003 (III.1) và 004 (bước 1): Tổ trưởng, cán bộ phụ trách kỹ thuật và "
            "lãnh đạo Trung tâm."
        ),
    )
    disaster_roles = models.JSONField(
        _("báo ngay – thiên tai, bão lụt, hỏa hoạn (Ban Chỉ đạo)"),
        default=default_disaster_roles,
        help_text=_(
            "Phương án 001/002: thành lập Ban Chỉ đạo. Phương án không nêu thành viên; "
            "mặc định của UngCuu là lãnh đạo Trung tâm và lãnh đạo UBND xã/phường."
        ),
    )
    no_ack_roles = models.JSONField(
        _("chưa ai nhận tin"), default=default_no_ack_roles, help_text=OWN_DEFAULT
    )
    prolonged_roles = models.JSONField(
        _("sự cố kéo dài"),
        default=default_prolonged_roles,
        help_text=_(
            "Phương án 000 (2.1c): báo cáo cấp trên nếu sự cố kéo dài. Ai được báo là mặc "
            "định của UngCuu."
        ),
    )
    sms_for_complex = models.BooleanField(
        _("gửi thêm SMS khi sự cố phức tạp"),
        default=True,
        help_text=_(
            "Ngoài kênh chat, gửi cả qua kênh SMS (nếu người nhận có) — vẫn tới khi mất Internet."
        ),
    )

    class Meta:
        verbose_name = _("quy tắc báo tin")
        verbose_name_plural = _("quy tắc báo tin")

    def __str__(self) -> str:
        return str(self.center)

    def roles(self, field: str) -> list[str]:
        """The roles a level tells, in NOTIFY_ROLES order; anything else is ignored."""
        chosen = getattr(self, field) or []
        found = [role for role in NOTIFY_ROLES if role in chosen]
        if field in AT_ONCE_FIELDS and ALWAYS_AT_ONCE not in found:
            found.insert(0, ALWAYS_AT_ONCE)  # 004 B1, whatever a row was edited to
        return found


AT_ONCE_FIELDS = ("at_once_simple_roles", "at_once_complex_roles")
ROLE_FIELDS = (*AT_ONCE_FIELDS, "disaster_roles", "no_ack_roles", "prolonged_roles")


class Level(models.TextChoices):
    AT_ONCE = "at_once", _("Báo ngay")
    NO_ACK = "no_ack", _("Chưa ai nhận tin")
    PROLONGED = "prolonged", _("Sự cố kéo dài")
    ESCALATED = "escalated", _("Chuyển tuyến")
    RESOLVED = "resolved", _("Đã khắc phục")
    REMINDER = "reminder", _("Nhắc việc")


class EscalationRun(models.Model):
    """The policy copied onto an incident when it opens, and how far it has gone."""

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="escalation"
    )
    ack_minutes = models.PositiveSmallIntegerField()
    prolonged_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    sms = models.BooleanField(default=False)
    no_ack_sent_at = models.DateTimeField(null=True, blank=True)
    # Complex incidents only: minutes before the province and the counterpart team are
    # told, when the center chose to wait (empty: they were told with the report).
    outside_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    outside_sent_at = models.DateTimeField(null=True, blank=True)
    prolonged_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["no_ack_sent_at", "prolonged_sent_at"], name="escalation_pending")
        ]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    NO_CHANNEL = "no_channel", _("Chưa có kênh")


class DeliveryQuerySet(models.QuerySet):
    def failed(self) -> DeliveryQuerySet:
        return self.filter(state=DeliveryState.FAILED)


class Delivery(models.Model):
    """One message to one recipient: the outbox row, with its own idempotency key."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Empty for a reminder (low stock, certificate expiry…), which is about no incident.
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    # A reminder is sent once per key (e.g. "supply-low:12:2026-11-23").
    reminder_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.CharField(max_length=200)
    sms_only = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    body = models.TextField()
    note = models.TextField(blank=True)
    state = models.CharField(
        max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # "host:pid:claim" of the worker process that claimed it: a restarted worker hands back
    # at once what a dead process of this machine held, without waiting for the claim
    # to run out.
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tin đã gửi")
        verbose_name_plural = _("tin đã gửi")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.get_state_display()}"
