"""Provinces, centers, organisations, people and their roles, contacts, duty roster."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Chuyên viên Bộ phận Một cửa")
    IT_OFFICER = "it_officer", _("Cán bộ CNTT")
    RESPONDER = "responder", _("Thành viên Tổ ứng cứu")
    TEAM_LEADER = "team_leader", _("Tổ trưởng Tổ ứng cứu")
    CENTER_LEADER = "center_leader", _("Lãnh đạo Trung tâm")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã/phường")
    PROVINCE = "province", _("Tổ Công tác tỉnh / TTPVHCC tỉnh")
    VENDOR = "vendor", _("Tổ Đối ứng doanh nghiệp")
    ADMIN = "admin", _("Quản trị hệ thống")


CENTER_ROLES = frozenset(
    {
        Role.STAFF,
        Role.IT_OFFICER,
        Role.RESPONDER,
        Role.TEAM_LEADER,
        Role.CENTER_LEADER,
        Role.COMMUNE_LEADER,
    }
)
# Members of the Response Team (Tổ ứng cứu sự cố) who can be on the duty roster.
RESPONSE_TEAM_ROLES = frozenset(
    {Role.IT_OFFICER, Role.RESPONDER, Role.TEAM_LEADER, Role.CENTER_LEADER}
)


class Province(models.Model):
    code = models.PositiveIntegerField("mã tỉnh", unique=True)
    name = models.CharField("tên", max_length=100)
    codename = models.SlugField("tên mã", max_length=60, unique=True)
    require_two_step = models.BooleanField(
        "bắt buộc đăng nhập hai bước",
        default=False,
        help_text="Khi bật, người dùng cấp tỉnh phải nhập mã 6 số trên điện thoại sau mật khẩu.",
    )

    class Meta:
        verbose_name = "tỉnh/thành phố"
        verbose_name_plural = "tỉnh/thành phố"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Center(models.Model):
    """A commune/ward Public Administrative Service Center (TTPVHCC xã/phường)."""

    code = models.SlugField(
        "mã trung tâm",
        max_length=40,
        unique=True,
        help_text="Chữ thường, không dấu, ví dụ bachngoc.",
    )
    ward_code = models.PositiveIntegerField("mã xã/phường", unique=True)
    ward_name = models.CharField("tên xã/phường", max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="centers", verbose_name="tỉnh"
    )
    prefix = models.CharField(
        "tiền tố số sự cố",
        max_length=8,
        unique=True,
        help_text="Viết hoa, ví dụ BN cho số sự cố BN-2026-0007.",
    )
    address = models.CharField("địa chỉ", max_length=200, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    saturday_reception = models.BooleanField("tiếp nhận sáng thứ Bảy", default=False)
    saturday_working = models.BooleanField(
        "thứ Bảy tính là ngày làm việc",
        default=False,
        help_text="Khi bật, ngày hẹn trả kết quả đếm cả thứ Bảy.",
    )
    require_two_step = models.BooleanField(
        "bắt buộc đăng nhập hai bước",
        default=False,
        help_text=(
            "Khi bật, Lãnh đạo Trung tâm và Tổ trưởng Tổ ứng cứu phải nhập mã 6 số "
            "trên điện thoại sau mật khẩu."
        ),
    )

    class Meta:
        verbose_name = "trung tâm"
        verbose_name_plural = "trung tâm"
        ordering = ["province__code", "ward_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"Trung tâm Phục vụ hành chính công {self.ward_name[0].lower()}{self.ward_name[1:]}"

    @property
    def short_name(self) -> str:
        return self.ward_name


class OrganisationKind(models.TextChoices):
    ISP = "isp", _("Nhà mạng (Internet)")
    SOFTWARE_VENDOR = "software_vendor", _("Đơn vị cung cấp, vận hành phần mềm")
    PROVINCE_CENTER = "province_center", _("Trung tâm Phục vụ hành chính công tỉnh")
    PROVINCE_IT = "province_it", _("Trung tâm CNTT – Sở Khoa học và Công nghệ")
    PROVINCE_FOCAL = "province_focal", _("Đầu mối kỹ thuật cấp tỉnh (CSDL quốc gia)")
    ELECTRICITY = "electricity", _("Điện lực")
    IT_SERVICE = "it_service", _("Đơn vị sửa chữa, bảo trì máy tính, máy in")
    COMMUNE = "commune", _("UBND xã/phường")
    OTHER = "other", _("Khác")


class Organisation(models.Model):
    """An outside body a center calls on: a carrier, a vendor, a provincial unit."""

    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=30, choices=OrganisationKind.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="tỉnh",
    )
    hotline = models.CharField("đường dây nóng", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)

    class Meta:
        verbose_name = "đơn vị bên ngoài"
        verbose_name_plural = "đơn vị bên ngoài"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with one role and one home: a center, a province or an organisation."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.STAFF)
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="trung tâm",
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="tỉnh",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="đơn vị",
    )
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    title = models.CharField("chức vụ", max_length=150, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.CheckConstraint(
                name="user_has_one_home",
                condition=(
                    Q(role__in=sorted(CENTER_ROLES), center__isnull=False)
                    | Q(role=Role.PROVINCE, province__isnull=False)
                    | Q(role=Role.VENDOR, organisation__isnull=False)
                    | Q(role=Role.ADMIN)
                    | Q(is_superuser=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        if self.is_superuser or self.role == Role.ADMIN:
            return
        if self.role in CENTER_ROLES and not self.center_id:
            raise ValidationError({"center": "Vai trò này cần chọn trung tâm."})
        if self.role == Role.PROVINCE and not self.province_id:
            raise ValidationError({"province": "Vai trò cấp tỉnh cần chọn tỉnh."})
        if self.role == Role.VENDOR and not self.organisation_id:
            raise ValidationError({"organisation": "Vai trò doanh nghiệp cần chọn đơn vị."})

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def home_name(self) -> str:
        if self.center_id:
            return self.center.short_name
        if self.province_id:
            return self.province.name
        if self.organisation_id:
            return self.organisation.name
        return ""


class Contact(models.Model):
    """An outside person or line to call: phone, Zalo and email."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name="đơn vị",
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="trung tâm",
        help_text="Để trống nếu đầu mối phục vụ mọi trung tâm trong tỉnh.",
    )
    name = models.CharField("họ tên / bộ phận", max_length=150)
    title = models.CharField("chức vụ", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    zalo = models.CharField("Zalo", max_length=60, blank=True)
    email = models.EmailField("thư điện tử", blank=True)

    class Meta:
        verbose_name = "đầu mối liên hệ"
        verbose_name_plural = "đầu mối liên hệ"
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class DutyShift(models.Model):
    """One Response Team member on duty at a center on a given day."""

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="duty_shifts", verbose_name="trung tâm"
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="duty_shifts", verbose_name="người trực"
    )
    date = models.DateField("ngày trực")

    class Meta:
        verbose_name = "lịch trực"
        verbose_name_plural = "lịch trực"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["center", "date", "person"], name="duty_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.person}"


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField("nhãn", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()
