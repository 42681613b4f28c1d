"""Probes over the API (DESIGN.md "Probes"): create, list per center, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from ungcuu.api.errors import ErrorOut
from ungcuu.api.types import Id
from ungcuu.core.errors import ServiceError
from ungcuu.monitor import selectors, services
from ungcuu.monitor.models import MAX_INTERVAL, MAX_STREAK, MIN_INTERVAL, Probe
from ungcuu.org.models import Center
from ungcuu.org.scope import center_for_report, centers_for

router = Router(tags=["Giám sát tự động"])

Kind = Literal["http", "tcp", "dns", "ping", "snmp-printer", "nut-ups"]


class ProbeIn(Schema):
    center: str | None = Field(
        None, max_length=40, description="Mã trung tâm (mặc định: trung tâm của người gọi)"
    )
    name: str = Field(..., max_length=100)
    kind: Kind
    target: str = Field(
        ...,
        max_length=255,
        description="http: địa chỉ http(s)://…; tcp: máy:cổng; còn lại: tên máy hoặc IP",
    )
    incident_type: str = Field(..., max_length=40, description="Mã loại sự cố trong danh mục")
    interval_s: int = Field(60, ge=MIN_INTERVAL, le=MAX_INTERVAL)
    fail_after: int = Field(3, ge=1, le=MAX_STREAK)
    recover_after: int = Field(2, ge=1, le=MAX_STREAK)
    keyword: str = Field("", max_length=200, description="Chỉ cho http: chữ phải có trong trang")


class ProbeOut(Schema):
    id: int
    center: str
    name: str
    kind: str
    target: str
    incident_type: str
    interval_s: int
    fail_after: int
    recover_after: int
    keyword: str
    enabled: bool
    state: str = Field(..., description="unknown | up | down")
    flapping: bool
    last_checked_at: datetime | None
    last_error: str
    warning: str
    open_incident: int | None

    @staticmethod
    def of(probe: Probe) -> ProbeOut:
        return ProbeOut(
            id=probe.pk,
            center=probe.center.code,
            name=probe.name,
            kind=probe.kind,
            target=probe.target,
            incident_type=probe.incident_type.code,
            interval_s=probe.interval_s,
            fail_after=probe.fail_after,
            recover_after=probe.recover_after,
            keyword=probe.keyword,
            enabled=probe.enabled,
            state=probe.state,
            flapping=probe.flapping,
            last_checked_at=probe.last_checked_at,
            last_error=probe.last_error,
            warning=probe.warning,
            open_incident=probe.open_incident_id,
        )


def _center(user, code: str | None) -> Center:
    if code:
        found = centers_for(user).filter(code=code).first()
    else:
        found = center_for_report(user, None)
    if found is None:
        raise ServiceError("Không tìm thấy trung tâm.", status=404, field="center")
    return found


@router.post(
    "/probes",
    response={201: ProbeOut, 403: ErrorOut},
    summary="Thêm điểm giám sát tự động cho một trung tâm",
)
def probe_create(request, payload: ProbeIn):
    center = _center(request.auth, payload.center)
    probe = services.probe_save(
        actor=request.auth,
        center=center,
        name=payload.name,
        kind=payload.kind,
        target=payload.target,
        incident_type=payload.incident_type,
        interval_s=payload.interval_s,
        fail_after=payload.fail_after,
        recover_after=payload.recover_after,
        keyword=payload.keyword,
    )
    return 201, ProbeOut.of(selectors.probe_get(request.auth, probe.pk))


@router.get(
    "/probes",
    response={200: list[ProbeOut], 404: ErrorOut},
    summary="Các điểm giám sát của một trung tâm, với trạng thái",
)
def probe_list(request, center: str | None = None):
    probes = selectors.probes_for(request.auth)
    if center:
        probes = probes.filter(center=_center(request.auth, center))
    return [ProbeOut.of(p) for p in probes.order_by("center__code", "name")[:1000]]


@router.delete(
    "/probes/{probe_id}",
    response={204: None, 403: ErrorOut},
    summary="Xóa một điểm giám sát",
)
def probe_remove(request, probe_id: Id):
    services.probe_delete(actor=request.auth, probe=selectors.probe_get(request.auth, probe_id))
    return 204, None
