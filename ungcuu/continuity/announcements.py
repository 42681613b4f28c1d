"""Words for citizens: the waiting-room script of seed 004 and the announcements for the
commune loudspeaker, a Zalo post and a Facebook post (seeds 001, 003), filled from an
incident."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungcuu.incidents.models import Incident

# Seed 004, step 3: the polite message, word for word.
WAITING_SCRIPT = gettext_lazy(
    "Kính thưa các bác, các anh chị, hệ thống của chúng tôi đang gặp sự cố kỹ thuật tạm thời. "
    "Các cán bộ kỹ thuật đang khẩn trương khắc phục để hệ thống sớm hoạt động trở lại. "
    "Rất mong các bác, các anh chị vui lòng chờ thêm ít phút và thông cảm cho sự bất tiện "
    "này. Xin chân thành cảm ơn!"
)

# Seed 004, step 3: what citizens can do while they wait.
WHILE_WAITING = [
    gettext_lazy("Điền sẵn tờ khai, đơn theo mẫu (xin mẫu giấy tại quầy)."),
    gettext_lazy("Sắp xếp hồ sơ theo danh mục giấy tờ của thủ tục."),
    gettext_lazy("Chuẩn bị Căn cước công dân và giấy tờ gốc để đối chiếu."),
    gettext_lazy("Hồ sơ vẫn được nhận bằng giấy và hẹn ngày trả kết quả."),
]


@dataclass
class Announcement:
    key: str
    title: str
    text: str


def for_incident(incident: Incident) -> list[Announcement]:
    if not incident.is_open:
        return restored(incident)
    center = incident.center
    place = center.name
    ward = center.ward_name
    since = timezone.localtime(incident.started_at)
    when = _("từ %(time)s ngày %(date)s") % {
        "time": since.strftime("%H giờ %M"),
        "date": since.strftime("%d/%m/%Y"),
    }
    disaster = incident.incident_type.code == "disaster"
    what = incident.incident_type.name.lower()
    phone = center.phone
    if disaster:
        situation = _(
            "do ảnh hưởng của thiên tai, sự cố khẩn cấp, %(place)s tạm thời điều chỉnh việc "
            "tiếp nhận và trả kết quả hồ sơ thủ tục hành chính %(when)s"
        ) % {"place": place, "when": when}
    else:
        situation = _(
            "%(place)s đang gặp sự cố kỹ thuật tạm thời (%(what)s) %(when)s. Các cán bộ kỹ thuật "
            "đang khẩn trương khắc phục"
        ) % {"place": place, "what": what, "when": when}
    paper = _(
        "Trong thời gian khắc phục, Trung tâm vẫn tiếp nhận hồ sơ bằng giấy và hẹn ngày trả "
        "kết quả; hồ sơ của người dân được cập nhật lại ngay khi hệ thống hoạt động trở lại."
    )
    contact = (
        _("Mọi thắc mắc xin liên hệ số điện thoại %(phone)s.") % {"phone": phone} if phone else ""
    )
    radio = " ".join(
        part
        for part in [
            _("Thông báo của Ủy ban nhân dân %(ward)s.") % {"ward": ward},
            _("Kính thưa toàn thể nhân dân,"),
            situation + ".",
            paper,
            _(
                "Người dân, doanh nghiệp có nhu cầu nộp hồ sơ xin chuẩn bị đầy đủ giấy tờ, hoặc "
                "sắp xếp thời gian đến sau khi Trung tâm thông báo hoạt động bình thường trở lại."
            ),
            contact,
            _("Trân trọng thông báo!"),
        ]
        if part
    )
    zalo = "\n".join(
        part
        for part in [
            _("THÔNG BÁO – %(place)s") % {"place": place.upper()},
            "",
            _("Kính gửi người dân và doanh nghiệp,"),
            situation + ".",
            paper,
            contact,
            _("Rất mong quý vị thông cảm. Xin chân thành cảm ơn!"),
        ]
        if part is not None
    )
    facebook = "\n\n".join(
        part
        for part in [
            _("📢 THÔNG BÁO: %(title)s") % {"title": incident.incident_type.name.upper()},
            situation[:1].upper() + situation[1:] + ".",
            paper,
            _(
                "Người dân có thể chuẩn bị trước: điền sẵn tờ khai, sắp xếp hồ sơ theo danh mục "
                "giấy tờ, mang theo Căn cước công dân và giấy tờ gốc để đối chiếu."
            ),
            contact,
            _(
                "Trung tâm sẽ cập nhật thông tin ngay khi hệ thống hoạt động trở lại. "
                "Xin chân thành cảm ơn!"
            ),
        ]
        if part
    )
    return [
        Announcement("radio", _("Đài truyền thanh %(ward)s") % {"ward": ward}, radio),
        Announcement("zalo", _("Bài đăng Zalo"), zalo),
        Announcement("facebook", _("Bài đăng Facebook"), facebook),
    ]


def restored(incident: Incident) -> list[Announcement]:
    """Once the incident is resolved: the center is back to normal, in the same three places
    the outage was announced (R105)."""
    center = incident.center
    place = center.name
    ward = center.ward_name
    back = timezone.localtime(
        incident.restored_at or incident.resolved_at or incident.closed_at or timezone.now()
    )
    situation = _(
        "%(place)s đã khắc phục xong sự cố kỹ thuật (%(what)s); việc tiếp nhận và trả kết "
        "quả hồ sơ thủ tục hành chính đã hoạt động bình thường trở lại từ %(time)s ngày "
        "%(date)s"
    ) % {
        "place": place,
        "what": incident.incident_type.name.lower(),
        "time": back.strftime("%H giờ %M"),
        "date": back.strftime("%d/%m/%Y"),
    }
    paper = _(
        "Hồ sơ đã nộp bằng giấy trong thời gian sự cố được cập nhật vào hệ thống và trả kết "
        "quả đúng hẹn ghi trên giấy hẹn."
    )
    contact = (
        _("Mọi thắc mắc xin liên hệ số điện thoại %(phone)s.") % {"phone": center.phone}
        if center.phone
        else ""
    )
    thanks = _("Xin chân thành cảm ơn người dân, doanh nghiệp đã thông cảm!")
    radio = " ".join(
        part
        for part in [
            _("Thông báo của Ủy ban nhân dân %(ward)s.") % {"ward": ward},
            _("Kính thưa toàn thể nhân dân,"),
            situation + ".",
            paper,
            contact,
            thanks,
        ]
        if part
    )
    zalo = "\n".join(
        part
        for part in [
            _("THÔNG BÁO – %(place)s") % {"place": place.upper()},
            "",
            _("Kính gửi người dân và doanh nghiệp,"),
            situation + ".",
            paper,
            contact,
            thanks,
        ]
        if part is not None
    )
    facebook = "\n\n".join(
        part
        for part in [
            _("📢 THÔNG BÁO: %(place)s ĐÃ HOẠT ĐỘNG BÌNH THƯỜNG TRỞ LẠI")
            % {"place": place.upper()},
            situation + ".",
            paper,
            contact,
            thanks,
        ]
        if part
    )
    return [
        Announcement("radio", _("Đài truyền thanh %(ward)s") % {"ward": ward}, radio),
        Announcement("zalo", _("Bài đăng Zalo"), zalo),
        Announcement("facebook", _("Bài đăng Facebook"), facebook),
    ]
