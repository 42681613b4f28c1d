from __future__ import annotations

from ungcuu.catalog import cache
from ungcuu.catalog.models import IncidentType


def test_the_report_path_reads_a_type_once_a_minute(django_assert_num_queries, printer_paper):
    with django_assert_num_queries(1):
        first = cache.incident_type_by_code("printer-paper")
        again = cache.incident_type_by_code("printer-paper")
    assert first == again == printer_paper


def test_an_unknown_code_is_not_remembered(db):
    assert cache.incident_type_by_code("camera") is None
    IncidentType.objects.create(code="camera", name="Camera", tier="simple")
    assert cache.incident_type_by_code("camera").name == "Camera"
