"""The quarterly report gains each monitored service's availability (issue 12 item 2)."""

from __future__ import annotations

from ungcuu.monitor.tests.test_probes import check, make_probe
from ungcuu.reports.periods import period_from
from ungcuu.reports.selectors import report_scope
from ungcuu.reports.stats import compute


def test_the_quarterly_report_shows_each_services_share_of_good_checks(it_a, director_a, web):
    from django.utils import timezone

    probe = make_probe(it_a, target=web.url, fail_after=5)
    for _ in range(3):
        check(probe)
    web.stop()
    check(probe)  # one failed check in four
    today = timezone.localdate()

    stats = compute(
        report_scope(director_a, center=director_a.center.code),
        period_from(year=today.year, quarter_number=(today.month - 1) // 3 + 1),
    )

    [row] = stats.availability
    assert row["service"] == "Cổng dịch vụ công tỉnh"
    assert row["checks"] == 4 and row["percent"] == 75.0
