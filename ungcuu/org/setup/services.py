"""Writes of the first-run page: the center from the official list, channels, first sign-in.

Passwords never travel in the import file nor appear on a screen: a new person has no
usable password and gets a first sign-in link (valid PASSWORD_RESET_TIMEOUT, 3 days by
default, and only until a password is set) through which they choose their own. The
leader hands the link over (Zalo, printed); a new link can be made while none is set."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from vietnam_provinces import Ward as VnWard

from ungcuu.core.errors import ServiceError
from ungcuu.core.site import absolute
from ungcuu.core.text import fold
from ungcuu.org.models import Center, Contact, User
from ungcuu.org.scope import sees_everything
from ungcuu.org.services import center_create


def suggested_codes(ward_code: int) -> tuple[str, str]:
    """A center code and a number prefix from the ward's name: Bạch Ngọc → bachngoc, BN."""
    ward = VnWard.from_code(int(ward_code))
    words = fold(ward.name).split()
    kind = fold(ward.division_type.value).split()
    bare = words[len(kind) :] if words[: len(kind)] == kind else words
    bare = [w for w in bare if w.isalnum()] or ["tt"]
    code = "".join(bare)[:40]
    prefix = "".join(w[0] for w in bare if w[0].isalpha()).upper()[:8] or "TT"
    return code, prefix


@transaction.atomic
def setup_center_create(*, actor: User, ward_code, code: str, prefix: str) -> Center:
    """A new center for an official commune or ward; by an administrator only."""
    if not sees_everything(actor):
        raise ServiceError("Chỉ quản trị hệ thống được thêm Trung tâm.", status=403)
    try:
        ward_code = int(str(ward_code).strip())
    except ValueError as exc:
        raise ServiceError("Chọn xã/phường trong danh sách.", field="ward") from exc
    code, prefix = (code or "").strip(), (prefix or "").strip()
    existing = Center.objects.filter(ward_code=ward_code).first()
    if existing:
        raise ServiceError(f"Đã có {existing.name}.", field="ward", status=409)
    if Center.objects.filter(code=code).exists():
        raise ServiceError(f"Mã trung tâm “{code}” đã được dùng.", field="code", status=409)
    if Center.objects.filter(prefix=prefix).exists():
        raise ServiceError(f"Tiền tố “{prefix}” đã được dùng.", field="prefix", status=409)
    return center_create(ward_code=ward_code, code=code, prefix=prefix)


def channel_owners(center: Center) -> dict[str, User | Contact]:
    """Who at the center may get a channel, by the value of the page's owner field."""
    owners: dict[str, User | Contact] = {}
    for person in User.objects.filter(center=center, is_active=True).order_by("full_name"):
        owners[f"p{person.pk}"] = person
    for contact in Contact.objects.filter(center=center).select_related("organisation"):
        owners[f"c{contact.pk}"] = contact
    return owners


def setup_channel_add(*, actor: User, center: Center, owner: str, url: str, label: str = ""):
    """A channel for someone of the center; the URL is checked by Apprise now."""
    from ungcuu.notify.services import channel_add
    from ungcuu.org.setup.checks import require_setup

    require_setup(actor, center)
    chosen = channel_owners(center).get(owner or "")
    if chosen is None:
        raise ServiceError("Chọn người hoặc đầu mối của Trung tâm.", field="owner")
    if len(label or "") > 100:
        raise ServiceError("Tên gợi nhớ tối đa 100 ký tự.", field="label")
    if len(url or "") > 500:
        raise ServiceError("Địa chỉ kênh tối đa 500 ký tự.", field="url")
    if isinstance(chosen, User):
        return channel_add(url=url, person=chosen, label=label or "")
    return channel_add(url=url, contact=chosen, label=label or "")


def awaiting_password(center: Center):
    """People of the center who have not chosen a password yet."""
    return [
        p
        for p in User.objects.filter(center=center, is_active=True).order_by("full_name")
        if not p.has_usable_password()
    ]


def first_sign_in_link(user: User) -> str:
    token = (
        f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"
    )
    return absolute(reverse("first_sign_in", args=[token]))


def first_sign_in_user(token: str) -> User | None:
    """The person a first sign-in link is for, while it is valid and no password is set."""
    uid, _, check = (token or "").partition(".")
    if not uid or not check or len(token) > 200:
        return None
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return user if default_token_generator.check_token(user, check) else None
