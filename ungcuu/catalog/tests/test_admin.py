from __future__ import annotations

from ungcuu.catalog.models import IncidentType
from ungcuu.core.testing import logged_in


def test_an_admin_adds_a_type_with_its_playbook_in_the_admin(admin_user):
    client = logged_in(admin_user)
    assert client.get("/admin/catalog/incidenttype/").status_code == 200

    response = client.post(
        "/admin/catalog/incidenttype/add/",
        {
            "code": "camera",
            "name": "Camera giám sát không ghi hình",
            "tier": "simple",
            "position": 20,
            "symptoms": "Màn hình camera đen",
            "escalation_targets": "[]",
            "is_active": "on",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-position": "1",
            "steps-0-section": "",
            "steps-0-text": "Khởi động lại đầu ghi hình",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    added = IncidentType.objects.get(code="camera")
    assert [s.text for s in added.steps.all()] == ["Khởi động lại đầu ghi hình"]
    # A staff member now sees it on the report form.
    assert "Camera giám sát không ghi hình" in client.get("/incidents/new/").content.decode()


def test_an_admin_edits_a_playbook_step(admin_user, printer_paper):
    step = printer_paper.steps.get(position=1)
    client = logged_in(admin_user)
    page = client.get(f"/admin/catalog/incidenttype/{printer_paper.pk}/change/")
    assert page.status_code == 200
    assert step.text in page.content.decode()
