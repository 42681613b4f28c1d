"""Guides: the shipped content, diacritic-insensitive search, pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import api_client, logged_in
from ungcuu.incidents.services import incident_report
from ungcuu.knowledge.models import Category, Guide
from ungcuu.knowledge.selectors import guides_search
from ungcuu.knowledge.services import guide_index, guides_load

pytestmark = pytest.mark.django_db

SEARCH_URL = "/api/v1/knowledge/search"


def titles(query: str) -> list[str]:
    return [guide.title for guide in guides_search(query)]


def test_the_migration_ships_guides_for_every_vulnerable_group_and_situation():
    assert Guide.objects.published().count() >= 12
    by_slug = {g.slug: g for g in Guide.objects.all()}
    for slug in [
        "nguoi-cao-tuoi",
        "khong-biet-chu-cong-nghe",
        "khiem-thi",
        "khiem-thinh",
        "khuyet-tat-van-dong",
        "nguoi-dan-buc-xuc",
        "quen-mat-khau-vneid",
        "quen-mat-khau-cong-dvc",
        "khong-co-tai-khoan-ngan-hang",
        "he-thong-cham-cho-lau",
        "thay-doi-sau-sap-xep",
    ]:
        guide = by_slug[slug]
        assert guide.steps.count() >= 3, slug
        assert guide.phrase_lines(), slug
    assert {g.category for g in by_slug.values()} == set(Category.values)
    slow = by_slug["he-thong-cham-cho-lau"]
    assert set(slow.incident_types.values_list("code", flat=True)) >= {"slow-system"}


@pytest.mark.parametrize(
    "query",
    ["người cao tuổi", "nguoi cao tuoi", "NGUOI CAO TUOI", "cao tuoi", "Người già"],
)
def test_search_finds_the_elderly_guide_with_or_without_diacritics(query):
    assert titles(query)[0] == "Người cao tuổi, đi lại khó khăn"


def test_search_handles_d_with_stroke_and_decomposed_input():
    # "đ" does not decompose under Unicode normalisation; typed as "d" it must still match.
    assert "Người dân bức xúc, phản ánh gay gắt" in titles("dan buc xuc")
    assert titles("đơn vị")[0].startswith("Thắc mắc về thay đổi sau sắp xếp đơn vị hành chính")
    assert titles("don vi")[0] == titles("đơn vị")[0]
    precomposed = "m\u1eadt kh\u1ea9u"
    decomposed = "ma\u0323\u0302t kha\u0302\u0309u"  # the same words typed as NFD
    assert titles(decomposed) == titles(precomposed) != []


def test_title_hits_rank_above_body_hits():
    results = titles("mat khau")
    assert {results[0], results[1]} == {
        "Quên mật khẩu tài khoản định danh điện tử VNeID",
        "Quên mật khẩu tài khoản Cổng Dịch vụ công quốc gia",
    }
    # "mật khẩu" also appears in the body of other guides (the illiterate citizen types
    # their own password), which come after.
    assert (
        "Người không biết chữ hoặc khó dùng công nghệ, không có điện thoại thông minh"
        in results[2:]
    )


def test_every_word_must_match_and_unpublished_guides_are_hidden():
    assert titles("vneid ngân hàng") == []
    guide = Guide.objects.get(slug="quen-mat-khau-vneid")
    guide.is_published = False
    guide.save()
    assert "Quên mật khẩu tài khoản định danh điện tử VNeID" not in titles("vneid")


def test_an_edited_guide_is_found_by_its_new_words():
    guide = Guide.objects.get(slug="khiem-thinh")
    guide.steps.create(position=99, text="Bật vòng từ cảm ứng ở quầy nếu có.")
    assert titles("vong tu") == []
    guide_index(guide=guide)
    assert titles("vòng từ") == ["Người khiếm thính, khó nghe, khó nói"]


def test_loading_again_keeps_what_an_admin_edited():
    Guide.objects.filter(slug="khiem-thi").update(title="Người mù")
    assert guides_load() == 0
    assert Guide.objects.get(slug="khiem-thi").title == "Người mù"
    assert guides_load(overwrite=True) == Guide.objects.count()
    assert Guide.objects.get(slug="khiem-thi").title == "Người khiếm thị (khuyết tật thị lực)"


# --- Pages


def test_the_list_groups_topics_by_category(staff_a):
    response = logged_in(staff_a).get(reverse("knowledge:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in Category.labels:
        assert str(label) in html
    assert reverse("knowledge:detail", args=["nguoi-cao-tuoi"]) in html


def test_searching_on_the_page_works_without_javascript(staff_a):
    response = logged_in(staff_a).get(
        reverse("knowledge:list"), {"q": "khong co tai khoan ngan hang"}
    )
    html = response.content.decode()
    assert "Không có tài khoản ngân hàng để nộp phí, lệ phí trực tuyến" in html
    assert "Người cao tuổi" not in html


def test_live_search_returns_only_the_results(staff_a):
    response = logged_in(staff_a).get(
        reverse("knowledge:list"), {"q": "cho lau"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Hệ thống chạy chậm, người dân phải chờ lâu" in html
    assert "<html" not in html


def test_a_search_with_nothing_found_says_so(staff_a):
    response = logged_in(staff_a).get(reverse("knowledge:list"), {"q": "xyzxyz"})
    assert response.status_code == 200
    assert "Không tìm thấy hướng dẫn phù hợp" in response.content.decode()


def test_the_guide_page_shows_steps_in_order_and_what_to_say(staff_a):
    guide = Guide.objects.get(slug="he-thong-cham-cho-lau")
    response = logged_in(staff_a).get(reverse("knowledge:detail", args=[guide.slug]))
    html = response.content.decode()
    steps = [step.text for step in guide.steps.order_by("position")]
    positions = [html.index(text) for text in steps]
    assert positions == sorted(positions)
    assert "mong các bác, các anh/chị thông cảm" in html
    assert reverse("knowledge:print", args=[guide.slug]) in html


def test_the_print_view_has_the_guide_without_the_menu(staff_a):
    response = logged_in(staff_a).get(reverse("knowledge:print", args=["khiem-thi"]))
    html = response.content.decode()
    assert "Người khiếm thị (khuyết tật thị lực)" in html
    assert "Đăng xuất" not in html
    assert "@media print" not in html  # the rules live in the app's own stylesheet


@pytest.mark.parametrize("name", ["knowledge:detail", "knowledge:print"])
def test_an_unknown_or_unpublished_guide_is_404(staff_a, name):
    Guide.objects.filter(slug="khiem-thi").update(is_published=False)
    client = logged_in(staff_a)
    assert client.get(reverse(name, args=["khiem-thi"])).status_code == 404
    assert client.get(reverse(name, args=["khong-co"])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("knowledge:list"),
        reverse("knowledge:detail", args=["khiem-thi"]),
        reverse("knowledge:print", args=["khiem-thi"]),
    ],
)
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who", ["staff_b", "staff_c", "province_user", "vendor_user", "admin_user"]
)
def test_guides_are_shared_by_every_signed_in_person(request, who):
    user = request.getfixturevalue(who)
    response = logged_in(user).get(reverse("knowledge:detail", args=["nguoi-cao-tuoi"]))
    assert response.status_code == 200


def test_the_incident_page_links_the_guides_of_its_type(staff_a, center_a):
    slow = IncidentType.objects.get(code="slow-system")
    result = incident_report(actor=staff_a, center=center_a, incident_type=slow)
    response = logged_in(staff_a).get(reverse("incidents:detail", args=[result.incident.pk]))
    html = response.content.decode()
    assert reverse("knowledge:detail", args=["he-thong-cham-cho-lau"]) in html
    assert reverse("knowledge:detail", args=["khiem-thi"]) not in html


def test_an_incident_type_without_guides_shows_no_guide_panel(staff_a, center_a, printer_paper):
    result = incident_report(actor=staff_a, center=center_a, incident_type=printer_paper)
    response = logged_in(staff_a).get(reverse("incidents:detail", args=[result.incident.pk]))
    assert "Hướng dẫn giao tiếp với người dân" not in response.content.decode()


# --- API


def test_api_search_is_diacritic_insensitive_and_ranked(staff_a):
    client = api_client(staff_a)
    plain = client.get(SEARCH_URL, {"q": "quen mat khau vneid"}).json()
    marked = client.get(SEARCH_URL, {"q": "quên mật khẩu VNeID"}).json()
    assert plain == marked
    assert plain[0]["slug"] == "quen-mat-khau-vneid"
    assert plain[0]["url"] == reverse("knowledge:detail", args=["quen-mat-khau-vneid"])
    assert plain[0]["category_label"] == "Tình huống thường gặp"


def test_api_guide_gives_steps_and_phrases(staff_b):
    data = api_client(staff_b).get("/api/v1/knowledge/guides/khong-co-tai-khoan-ngan-hang").json()
    assert data["steps"][0].startswith("Giải thích người dân có thể nộp tiền mặt")
    assert data["phrases"]
    assert api_client(staff_b).get("/api/v1/knowledge/guides/khong-co").status_code == 404


@pytest.mark.parametrize("q", ["", "   ", "!!!"])
def test_api_search_without_words_is_a_clear_400(staff_a, q):
    response = api_client(staff_a).get(SEARCH_URL, {"q": q})
    assert response.status_code == 400
    assert "Vui lòng nhập từ cần tìm" in response.json()["detail"]


def test_api_search_with_a_too_long_query_is_refused(staff_a):
    response = api_client(staff_a).get(SEARCH_URL, {"q": "a" * 201})
    assert response.status_code == 422
    assert response.json()["errors"]["q"] == "Nội dung quá dài."


def test_api_needs_a_login(client):
    assert client.get(SEARCH_URL, {"q": "mat khau"}).status_code == 401
    assert client.get("/api/v1/knowledge/guides/khiem-thi").status_code == 401


def test_the_page_speaks_english_when_asked(staff_a):
    client = logged_in(staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("knowledge:list")).content.decode()
    assert "Supporting vulnerable citizens" in html
    assert "Common situations" in html
