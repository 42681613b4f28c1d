"""A center's own note on a guide: written by its leaders, read only inside its scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ungcuu.core.testing import api_client, logged_in, make_user
from ungcuu.knowledge.models import Guide, GuideNote
from ungcuu.org.models import Role

pytestmark = pytest.mark.django_db

SLUG = "thay-doi-sau-sap-xep"
NOTE = "Đất đai: Văn phòng đăng ký đất đai chi nhánh Đô Lương, ĐT 0238 3871 234."


def note_url(slug: str = SLUG) -> str:
    return reverse("knowledge:note", args=[slug])


def detail(user, slug: str = SLUG) -> str:
    return logged_in(user).get(reverse("knowledge:detail", args=[slug])).content.decode()


@pytest.fixture
def leader_b(center_b):
    return make_user("b.leader", Role.TEAM_LEADER, center=center_b)


def test_a_team_leader_writes_a_note_the_center_staff_read(leader_a, staff_a):
    response = logged_in(leader_a).post(note_url(), {"text": NOTE})
    assert response.status_code == 302
    note = GuideNote.objects.get()
    assert (note.center, note.updated_by, note.text) == (leader_a.center, leader_a, NOTE)
    assert NOTE in detail(staff_a)
    print_html = logged_in(staff_a).get(reverse("knowledge:print", args=[SLUG])).content
    assert NOTE in print_html.decode()


def test_saving_again_keeps_one_note_and_an_empty_text_removes_it(leader_a):
    client = logged_in(leader_a)
    client.post(note_url(), {"text": NOTE})
    client.post(note_url(), {"text": NOTE})
    assert GuideNote.objects.count() == 1
    client.post(note_url(), {"text": "  "})
    assert GuideNote.objects.count() == 0


def test_another_centers_note_is_not_shown(leader_a, staff_b, leader_b, province_user, staff_c):
    logged_in(leader_a).post(note_url(), {"text": NOTE})
    assert NOTE not in detail(staff_b)
    assert NOTE not in detail(staff_c)
    # Center B writing its own note leaves center A's as it was.
    logged_in(leader_b).post(note_url(), {"text": "Ghi chú của Tân Kỳ"})
    assert GuideNote.objects.get(center=leader_a.center).text == NOTE
    assert "Ghi chú của Tân Kỳ" not in detail(leader_a)
    # The province sees the notes of its centers, each under the center's name.
    html = detail(province_user)
    assert NOTE in html and "Ghi chú của Tân Kỳ" in html
    assert leader_a.center.short_name in html


def test_a_too_long_note_is_refused_and_what_was_typed_is_kept(leader_a):
    text = "Ghi chú rất dài. " * 200
    response = logged_in(leader_a).post(note_url(), {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "tối đa 2000 ký tự" in html
    assert text.strip()[:200] in html
    assert GuideNote.objects.count() == 0


def test_staff_cannot_write_a_note(staff_a):
    assert logged_in(staff_a).post(note_url(), {"text": NOTE}).status_code == 404
    assert "Lưu ghi chú" not in detail(staff_a)
    assert GuideNote.objects.count() == 0


def test_a_note_on_an_unknown_guide_is_404(leader_a):
    Guide.objects.filter(slug=SLUG).update(is_published=False)
    assert logged_in(leader_a).post(note_url(), {"text": NOTE}).status_code == 404
    assert logged_in(leader_a).post(note_url("khong-co"), {"text": NOTE}).status_code == 404


def test_writing_a_note_needs_a_login(client):
    response = client.post(note_url(), {"text": NOTE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert GuideNote.objects.count() == 0


# --- API


def test_api_writes_and_reads_the_centers_note(leader_a, staff_a, staff_b):
    url = f"/api/v1/knowledge/guides/{SLUG}/note"
    response = api_client(leader_a).put(url, {"text": NOTE}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["center"] == "bachngoc"
    guide_url = f"/api/v1/knowledge/guides/{SLUG}"
    assert [n["text"] for n in api_client(staff_a).get(guide_url).json()["notes"]] == [NOTE]
    assert api_client(staff_b).get(guide_url).json()["notes"] == []


def test_api_refuses_staff_and_bad_input(leader_a, staff_a):
    url = f"/api/v1/knowledge/guides/{SLUG}/note"
    refused = api_client(staff_a).put(url, {"text": NOTE}, content_type="application/json")
    assert refused.status_code == 403
    too_long = api_client(leader_a).put(url, {"text": "x" * 2001}, content_type="application/json")
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["text"].startswith("Ghi chú dài 2001 ký tự")
    assert GuideNote.objects.count() == 0
    assert (
        api_client(leader_a)
        .put(
            "/api/v1/knowledge/guides/khong-co/note",
            {"text": NOTE},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_api_note_needs_a_login(client):
    url = f"/api/v1/knowledge/guides/{SLUG}/note"
    assert client.put(url, {"text": NOTE}, content_type="application/json").status_code == 401


def test_the_demo_gives_each_center_its_own_notes(leader_a, leader_b, staff_a):
    from ungcuu.knowledge.demo import NOTES, fill

    written = fill(people={u.username: u for u in [leader_a, leader_b, staff_a]})
    assert written == 2 * len(NOTES)
    html = detail(staff_a, "quen-mat-khau-vneid")
    assert "Công an xã Bạch Ngọc" in html
    assert "Tân Kỳ" not in html


def test_at_a_node_the_api_leaves_the_hubs_note_as_it_is(leader_a, monkeypatch):
    from ungcuu.sync import conf

    url = f"/api/v1/knowledge/guides/{SLUG}/note"
    client = api_client(leader_a)
    assert client.put(url, {"text": NOTE}, content_type="application/json").status_code == 200
    monkeypatch.setattr(conf, "node_config", lambda: conf.NodeConfig("http://127.0.0.1:1", "x.y"))

    refused = client.put(url, {"text": "Ghi chú khác"}, content_type="application/json")

    assert refused.status_code == 403
    assert "do máy chủ của tỉnh quản lý" in refused.json()["detail"]
    assert GuideNote.objects.get().text == NOTE
    assert client.get(f"/api/v1/knowledge/guides/{SLUG}").status_code == 200  # still read
