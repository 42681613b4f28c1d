"""R117 (003 IV.1b "tài liệu minh họa bằng hình ảnh", "có video/audio minh họa"): a center
adds pictures, audio and video to a guide; checked by content; seen only inside its scope;
pictures print with the guide."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ungcuu.core.testing import logged_in, make_user
from ungcuu.knowledge.models import GuideMedia
from ungcuu.org.models import Role

pytestmark = pytest.mark.django_db

SLUG = "khong-biet-chu-cong-nghe"


def png(name: str = "buoc-1.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def mp3(name: str = "huong-dan.mp3") -> SimpleUploadedFile:
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return SimpleUploadedFile(name, b"ID3\x03\x00\x00\x00\x00\x00\x00" + frame * 3, "audio/mpeg")


@pytest.fixture
def it_a(center_a):
    return make_user("a.it", Role.IT_OFFICER, center=center_a)


@pytest.fixture
def director_b(center_b):
    return make_user("b.director", Role.CENTER_LEADER, center=center_b)


def add(user, upload, caption="Bước 1: bấm vào ô Đăng nhập"):
    return logged_in(user).post(
        reverse("knowledge:media_add", args=[SLUG]), {"file": upload, "caption": caption}
    )


def page(user, name="knowledge:detail") -> str:
    return logged_in(user).get(reverse(name, args=[SLUG])).content.decode()


def test_the_it_officer_adds_a_picture_the_centers_staff_see_small_and_lazy(it_a, staff_a):
    answer = add(it_a, png())
    assert answer.status_code == 302
    media = GuideMedia.objects.get()
    assert media.center == it_a.center and media.content_type == "image/png"
    html = page(staff_a)
    assert "Bước 1: bấm vào ô Đăng nhập" in html
    assert 'loading="lazy"' in html
    url = reverse("knowledge:media", args=[SLUG, media.uuid])
    assert url in html
    served = logged_in(staff_a).get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"


def test_pictures_print_with_the_guide_and_audio_is_on_the_page_only(director_a, staff_a):
    assert add(director_a, png(), caption="Ảnh minh họa").status_code == 302
    assert add(director_a, mp3(), caption="Lời hướng dẫn đọc sẵn").status_code == 302
    assert "<audio" in page(staff_a)
    printed = page(staff_a, "knowledge:print")
    assert "Ảnh minh họa" in printed and "<img" in printed
    assert "Lời hướng dẫn đọc sẵn" not in printed


def test_another_center_sees_nothing_of_it(it_a, staff_b, director_b):
    add(it_a, png())
    media = GuideMedia.objects.get()
    assert "Bước 1" not in page(staff_b)
    url = reverse("knowledge:media", args=[SLUG, media.uuid])
    assert logged_in(staff_b).get(url).status_code == 404
    remove = reverse("knowledge:media_remove", args=[SLUG, media.uuid])
    assert logged_in(director_b).post(remove).status_code == 404
    assert GuideMedia.objects.exists()


def test_a_text_file_named_like_a_picture_is_refused(it_a):
    fake = SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", "image/png")
    answer = add(it_a, fake)
    assert answer.status_code == 400
    assert "không phải hình ảnh, âm thanh hoặc video hợp lệ" in answer.content.decode()
    assert not GuideMedia.objects.exists()


def test_a_document_is_not_an_illustration(it_a):
    answer = add(it_a, SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"))
    assert answer.status_code == 400
    assert not GuideMedia.objects.exists()


def test_staff_and_team_leaders_cannot_add(staff_a, leader_a):
    for user in (staff_a, leader_a):
        assert add(user, png()).status_code == 404
        assert "Thêm hình ảnh, video, audio minh họa" not in page(user)
    assert not GuideMedia.objects.exists()


def test_the_center_leader_removes_the_centers_file(it_a, director_a, staff_a):
    add(it_a, png())
    media = GuideMedia.objects.get()
    remove = reverse("knowledge:media_remove", args=[SLUG, media.uuid])
    assert logged_in(director_a).post(remove).status_code == 302
    assert not GuideMedia.objects.exists()
    url = reverse("knowledge:media", args=[SLUG, media.uuid])
    assert logged_in(staff_a).get(url).status_code == 404
