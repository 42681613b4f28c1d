"""Officers' USB certificates: warnings at 30/7/1 days, renewal steps, reading the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ungcuu.core.errors import ServiceError
from ungcuu.core.testing import logged_in
from ungcuu.readiness import services
from ungcuu.readiness.models import Certificate


def _cert_file(not_before: datetime, not_after: datetime, *, pem: bool = False) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn An")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x5402AB)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM if pem else serialization.Encoding.DER)


def _save(it_a, staff_a, valid_to: date, **kw):
    return services.certificate_save(
        actor=it_a,
        center=it_a.center,
        holder=staff_a,
        provider="bcy",
        serial="54 02 AB",
        valid_from=valid_to - timedelta(days=3 * 365),
        valid_to=valid_to,
        **kw,
    )


@pytest.mark.parametrize("left, level", [(45, None), (30, 30), (8, 30), (7, 7), (1, 1), (-2, 0)])
def test_warning_steps(it_a, staff_a, left, level):
    today = timezone.localdate()
    cert = _save(it_a, staff_a, today + timedelta(days=left))
    assert services.warning_level(cert, today) == level


def test_expiry_reminder_goes_to_the_holder_and_it_once_per_step(it_a, staff_a):
    cert = _save(it_a, staff_a, timezone.localdate() + timedelta(days=6))
    reminders = [r for r in services.center_reminders(it_a.center) if r.kind == "certificate"]
    assert len(reminders) == 1
    assert {p.pk for p in reminders[0].people} == {staff_a.pk, it_a.pk}
    assert reminders[0].key.endswith(":7")
    assert "còn 6 ngày" in reminders[0].title
    assert cert.serial in reminders[0].body


def test_an_expiry_before_the_start_is_refused(it_a, staff_a):
    answer = logged_in(it_a).post(
        "/readiness/certificates/new/",
        {
            "holder": staff_a.pk,
            "provider": "bcy",
            "serial": "AB12",
            "status": "in_use",
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-30",
        },
    )
    assert answer.status_code == 400
    assert "Ngày hết hạn phải sau ngày bắt đầu hiệu lực" in answer.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("pem", [False, True])
def test_dates_and_serial_are_read_from_the_uploaded_file(it_a, staff_a, pem):
    data = _cert_file(
        datetime(2025, 3, 1, 3, tzinfo=UTC), datetime(2028, 3, 1, 3, tzinfo=UTC), pem=pem
    )
    answer = logged_in(it_a).post(
        "/readiness/certificates/new/",
        {
            "holder": staff_a.pk,
            "provider": "bcy",
            "status": "in_use",
            "file": SimpleUploadedFile("token.cer", data),
        },
    )
    assert answer.status_code == 302
    cert = Certificate.objects.get()
    assert (cert.valid_from, cert.valid_to) == (date(2025, 3, 1), date(2028, 3, 1))
    assert cert.serial == "5402AB"
    assert "Nguyễn Văn An" in cert.subject


def test_an_unreadable_file_gets_a_clear_message(it_a, staff_a):
    answer = logged_in(it_a).post(
        "/readiness/certificates/new/",
        {
            "holder": staff_a.pk,
            "provider": "bcy",
            "status": "in_use",
            "file": SimpleUploadedFile("token.cer", b"khong phai chung thu"),
        },
    )
    assert answer.status_code == 400
    assert "Không đọc được tệp chứng thư số" in answer.content.decode()
    assert not Certificate.objects.exists()
    with pytest.raises(ServiceError):
        services.certificate_read(b"")


def test_the_page_shows_the_renewal_steps(it_a, staff_a):
    cert = _save(it_a, staff_a, timezone.localdate() + timedelta(days=20))
    html = logged_in(staff_a).get(f"/readiness/certificates/{cert.pk}/").content.decode()
    assert "Ban Cơ yếu Chính phủ" in html
    assert "Còn 20 ngày" in html


def test_a_holder_of_another_center_is_refused(it_a, staff_b):
    with pytest.raises(ServiceError, match="thuộc Trung tâm"):
        _save(it_a, staff_b, timezone.localdate() + timedelta(days=300))
