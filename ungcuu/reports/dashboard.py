"""What the report page and the dashboards show: figures with links to the incidents
behind them, and bar charts drawn as inline SVG by the template."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from ungcuu.reports.layout import number
from ungcuu.reports.periods import Period
from ungcuu.reports.selectors import Scope
from ungcuu.reports.stats import Stats, duration_text

CHART_WIDTH = 320
ROW = 40
BAR = 16


def logbook_link(scope: Scope, period: Period, **params) -> str:
    """The log book filtered to the incidents behind a figure (never drills)."""
    query = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}
    if scope.center:
        query["center"] = scope.center.code
    else:
        query["province"] = scope.province.code
    query.update({k: v for k, v in params.items() if v})
    query["no_drills"] = "on"
    return reverse("incidents:logbook") + "?" + urlencode(query)


def chart(rows: list[tuple[str, float, str]], *, unit: str = "", limit: int = 12) -> dict:
    """Bars of (label, value, link), largest first, laid out for the SVG in the template."""
    rows = [r for r in rows if r[1]][:limit]
    top = max((r[1] for r in rows), default=0) or 1
    span = CHART_WIDTH - 60
    bars = []
    for position, (label, value, href) in enumerate(rows):
        y = position * ROW
        width = max(round(span * value / top), 2)
        bars.append(
            {
                "label": label,
                "value": f"{number(round(value))}{(' ' + unit) if unit else ''}",
                "href": href,
                "text_y": y + 13,
                "bar_y": y + 19,
                "width": width,
                "value_x": width + 6,
                "value_y": y + 32,
            }
        )
    return {"bars": bars, "height": max(len(bars) * ROW, ROW), "width": CHART_WIDTH}


def dashboard_context(scope: Scope, period: Period, stats: Stats) -> dict:
    link = lambda **params: logbook_link(scope, period, **params)  # noqa: E731
    figures = [
        {"label": _("Tổng số sự cố"), "value": number(stats.total), "href": link()},
        {
            "label": _("Sự cố phức tạp"),
            "value": number(stats.by_tier.get("complex", 0)),
            "href": link(tier="complex"),
        },
        {
            "label": _("Nhận tin – một nửa số sự cố trong vòng"),
            "value": duration_text(stats.mtta.median),
            "note": f"90%: {duration_text(stats.mtta.p90)}",
            "href": "#slow-acks",
        },
        {
            "label": _("Khắc phục – một nửa số sự cố trong vòng"),
            "value": duration_text(stats.mttr.median),
            "note": f"90%: {duration_text(stats.mttr.p90)}",
            "href": "#long-outages",
        },
        {
            "label": _("Tổng thời gian gián đoạn"),
            "value": duration_text(stats.downtime_minutes) if stats.total else "—",
            "note": (
                _("dài nhất: %(time)s (%(number)s)")
                % {"time": duration_text(stats.longest.minutes), "number": stats.longest.number}
                if stats.longest
                else ""
            ),
            "href": reverse("incidents:detail", args=[stats.longest.id])
            if stats.longest
            else link(),
        },
        {
            "label": _("Lượt người dân bị ảnh hưởng"),
            "value": number(stats.citizens_affected),
            "href": link(),
        },
        {
            "label": _("Chưa khôi phục"),
            "value": number(stats.not_restored),
            "href": link(status="open"),
        },
        {
            "label": _("Cần báo cáo cấp trên"),
            "value": number(len(stats.to_report)),
            "href": "#to-report",
            "alert": bool(stats.to_report),
        },
        {
            "label": _("Hồ sơ tiếp nhận bằng giấy / nhập lại đúng hạn"),
            "value": (
                f"{stats.paper_intake['taken']} / {stats.paper_intake['reentered_on_time']}"
                if stats.paper_intake
                else "—"
            ),
            "note": "" if stats.paper_intake else _("chưa có số liệu"),
        },
        {
            "label": _("Diễn tập đã tổ chức"),
            "value": number(stats.drills["held"]) if stats.drills else "—",
            "note": "" if stats.drills else _("chưa có số liệu"),
        },
    ]
    type_chart = chart([(r.name, r.count, link(type=r.code)) for r in stats.by_type])
    if scope.is_province:
        second = chart(
            [
                (r.name, r.downtime_minutes, logbook_link(scope, period, center=r.code))
                for r in sorted(stats.by_center, key=lambda r: -r.downtime_minutes)
            ],
            unit="phút",
        )
    else:
        second = chart(
            [
                (r.name, r.downtime_minutes, link(type=r.code))
                for r in sorted(stats.by_type, key=lambda r: -r.downtime_minutes)
            ],
            unit="phút",
        )
    return {
        "scope": scope,
        "period": period,
        "stats": stats,
        "figures": figures,
        "type_chart": type_chart,
        "downtime_chart": second,
        "type_rows": [
            {"row": r, "href": link(type=r.code), "downtime": duration_text(r.downtime_minutes)}
            for r in stats.by_type
        ],
        "center_rows": [
            {
                "row": r,
                "href": logbook_link(scope, period, center=r.code),
                "downtime": duration_text(r.downtime_minutes),
                "mtta": duration_text(r.mtta_median),
                "mttr": duration_text(r.mttr_median),
            }
            for r in stats.by_center
        ]
        if scope.is_province
        else [],
        "recurrence_rows": [
            {"row": r, "href": logbook_link(scope, period, center=r.center_code, type=r.type_code)}
            for r in stats.recurrences
        ],
        "equipment_rows": [
            {"row": r, "href": reverse("readiness:equipment_item", args=[r.id])}
            for r in stats.equipment_recurrences
        ],
    }
