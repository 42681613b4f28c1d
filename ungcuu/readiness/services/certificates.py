"""Officers' digital-signature certificates (USB tokens) and their renewal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.org.models import Center, User
from ungcuu.org.scope import require_own, require_same_center
from ungcuu.readiness.models import Certificate, CertProvider, CertStatus
from ungcuu.readiness.services.common import day, is_keeper, require, require_center, text
from ungcuu.sync.outbox import require_writer

# UngCuu's own default: the plans ask to renew "trước khi hết hạn" with no number of days.
WARN_DAYS = (30, 7, 1)
MAX_FILE = 64 * 1024

# Seeds 001–003: a broken or expiring USB certificate is renewed through the
# Government Cipher Committee, with the province's IT centre helping.
RENEWAL_STEPS = [
    "Kiểm tra thông tin chứng thư số (tên, số hiệu, hạn dùng) và tình trạng USB token.",
    "Lập hồ sơ đề nghị cấp mới / gia hạn Chứng thư số (USB) cho cán bộ, lãnh đạo theo "
    "quy định của Ban Cơ yếu Chính phủ.",
    "Gửi hồ sơ qua đầu mối của tỉnh; liên hệ Trung tâm CNTT – Sở Khoa học và Công nghệ "
    "để được hướng dẫn, hỗ trợ.",
    "Trong thời gian chờ cấp mới: bố trí người có chứng thư số còn hiệu lực ký thay theo "
    "phân công, không để gián đoạn việc trả kết quả.",
    "Nhận chứng thư số mới, cài đặt phần mềm ký số, ký thử một văn bản.",
    "Cập nhật số hiệu và hạn dùng mới vào danh sách chứng thư số của Trung tâm.",
]


@dataclass(frozen=True)
class CertFacts:
    serial: str
    subject: str
    valid_from: date
    valid_to: date


def certificate_read(data: bytes) -> CertFacts:
    """The serial, subject and validity of an X.509 certificate file (PEM or DER)."""
    from cryptography import x509

    if not data or len(data) > MAX_FILE:
        raise ServiceError(
            "Không đọc được tệp chứng thư số (tệp trống hoặc quá lớn).", field="file"
        )
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ServiceError(
            "Không đọc được tệp chứng thư số. Hãy chọn tệp .cer/.crt xuất từ USB token.",
            field="file",
        ) from exc
    tz = timezone.get_current_timezone()
    return CertFacts(
        serial=format(cert.serial_number, "X"),
        subject=cert.subject.rfc4514_string()[:300],
        valid_from=cert.not_valid_before_utc.astimezone(tz).date(),
        valid_to=cert.not_valid_after_utc.astimezone(tz).date(),
    )


def certificate_save(
    *,
    actor: User,
    center: Center,
    holder: User,
    provider: str,
    serial: str = "",
    valid_from=None,
    valid_to=None,
    status: str = CertStatus.IN_USE,
    subject: str = "",
    file_bytes: bytes | None = None,
    certificate: Certificate | None = None,
) -> Certificate:
    """Record an officer's certificate; dates typed in or read from the file."""
    require(is_keeper(actor))
    require_center(actor, center)
    require_writer(center, "quản lý chứng thư số")
    if certificate is not None:
        require_own(actor, certificate, what="chứng thư số", field="certificate")
        require_same_center(
            certificate,
            center,
            message="Chứng thư số không thuộc Trung tâm này.",
            field="certificate",
        )
    require_same_center(holder, center, message="Cán bộ phải thuộc Trung tâm.", field="holder")
    if provider not in CertProvider.values:
        raise ServiceError("Nơi cấp không hợp lệ.", field="provider")
    if status not in CertStatus.values:
        raise ServiceError("Trạng thái không hợp lệ.", field="status")
    if file_bytes:
        facts = certificate_read(file_bytes)
        serial, subject = facts.serial, facts.subject
        start, end = facts.valid_from, facts.valid_to
    else:
        start = day(valid_from, "valid_from")
        end = day(valid_to, "valid_to")
    if end <= start:
        raise ServiceError("Ngày hết hạn phải sau ngày bắt đầu hiệu lực.", field="valid_to")
    cert = certificate or Certificate(center=center)
    cert.holder, cert.provider, cert.status = holder, provider, status
    cert.serial = text(serial, "serial", limit=100, required=True)
    cert.subject = text(subject, "subject", limit=300)
    cert.valid_from, cert.valid_to = start, end
    cert.save()
    return cert


def warning_level(cert: Certificate, today: date) -> int | None:
    """The warning step a certificate has reached: 30, 7, 1, 0 (expired) or None."""
    if cert.status == CertStatus.REVOKED:
        return None
    left = cert.days_left(today)
    if left < 0:
        return 0
    for limit in sorted(WARN_DAYS):
        if left <= limit:
            return limit
    return None
