"""Demo data of the guides: each demo center's own notes, written by its team leader."""

from __future__ import annotations

from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.services import guide_note_save
from ungcuu.org.models import Role, User

NOTES = {
    "quen-mat-khau-vneid": (
        "Người dân đổi số điện thoại hoặc bị khóa tài khoản VNeID: mời sang Công an "
        "{ward} (cùng khu trụ sở), mang theo căn cước. Giờ làm việc như Trung tâm."
    ),
    "thay-doi-sau-sap-xep": (
        "Bảng tra tên xã, phường cũ – mới của {ward} dán ở quầy số 1. Hồ sơ đất đai: "
        "tiếp nhận tại quầy của Trung tâm, chuyển Văn phòng đăng ký đất đai giải quyết."
    ),
    "khong-co-tai-khoan-ngan-hang": (
        "Biên lai thu tiền mặt để ở ngăn kéo quầy số 2; cuối ngày bàn giao cho kế toán."
    ),
}


def fill(*, people: dict[str, User]) -> int:
    """Write the demo notes for every demo center that has a team leader."""
    guides = {guide.slug: guide for guide in Guide.objects.filter(slug__in=NOTES)}
    written = 0
    for user in people.values():
        if user.role != Role.TEAM_LEADER or not user.center_id:
            continue
        for slug, text in NOTES.items():
            if slug in guides:
                name = user.center.ward_name  # "Xã Bạch Ngọc" → "xã Bạch Ngọc"
                ward = name[:1].lower() + name[1:]
                guide_note_save(actor=user, guide=guides[slug], text=text.format(ward=ward))
                written += 1
    return written
