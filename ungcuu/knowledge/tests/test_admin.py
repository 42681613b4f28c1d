"""Admins write and correct guides in the Django admin; search follows at once."""

from __future__ import annotations

import pytest

from ungcuu.core.testing import logged_in
from ungcuu.knowledge.models import Guide
from ungcuu.knowledge.selectors import guides_search

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_guide_with_its_steps_and_staff_find_it(admin_user, staff_a):
    client = logged_in(admin_user)
    assert client.get("/admin/knowledge/guide/").status_code == 200
    response = client.post(
        "/admin/knowledge/guide/add/",
        {
            "title": "Người dân là người dân tộc thiểu số, không thạo tiếng Việt",
            "slug": "dan-toc-thieu-so",
            "category": "vulnerable",
            "position": "80",
            "is_published": "on",
            "summary": "",
            "phrases": "Mời anh/chị ngồi, tôi gọi người phiên dịch.",
            "support": "",
            "avoid": "",
            "keywords": "phiên dịch, tiếng dân tộc",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-position": "1",
            "steps-0-text": "Nhờ cán bộ hoặc người thân biết tiếng dân tộc hỗ trợ.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    guide = Guide.objects.get(slug="dan-toc-thieu-so")
    assert [s.text for s in guide.steps.all()] == [
        "Nhờ cán bộ hoặc người thân biết tiếng dân tộc hỗ trợ."
    ]
    # Found by a word of its title, its keywords and its step, typed without diacritics.
    for query in ["dan toc thieu so", "phien dich", "nguoi than biet tieng"]:
        assert guide in guides_search(query), query
    page = logged_in(staff_a).get("/guides/", {"q": "thieu so"}).content.decode()
    assert "không thạo tiếng Việt" in page


def test_the_admin_list_searches_without_diacritics(admin_user):
    response = logged_in(admin_user).get("/admin/knowledge/guide/", {"q": "khiem thinh"})
    html = response.content.decode()
    assert "Người khiếm thính, khó nghe, khó nói" in html
    assert "Người cao tuổi, đi lại khó khăn" not in html
