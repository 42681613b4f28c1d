"""The nodes over the API (DESIGN.md, "Added for the second round"): who may see them is
the admin and the province, each its own province's."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from ungcuu.api.errors import ErrorOut
from ungcuu.org.models import Role
from ungcuu.org.scope import center_q
from ungcuu.sync import selectors

router = Router(tags=["Máy của Trung tâm (node)"])


class NodeOut(Schema):
    center: str = Field(..., description="Mã trung tâm")
    center_name: str
    created_at: datetime
    last_seen_at: datetime | None
    silent: bool = Field(..., description="Im lặng quá thời hạn của máy chủ")
    backlog: int = Field(..., description="Bản ghi chưa đồng bộ (hai chiều)")
    revoked: bool


@router.get(
    "/nodes",
    response={200: list[NodeOut], 403: ErrorOut},
    summary="Các máy của Trung tâm (node) và lần liên lạc cuối",
)
def nodes(request):
    user = request.auth
    if user.role not in (Role.ADMIN, Role.PROVINCE) and not user.is_superuser:
        raise HttpError(
            403, "Chỉ quản trị viên và cán bộ tỉnh xem được danh sách máy của Trung tâm."
        )
    return [
        NodeOut(
            center=row.center.code,
            center_name=row.center.name,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            silent=row.silent,
            backlog=row.backlog,
            revoked=row.revoked_at is not None,
        )
        for row in selectors.nodes_for(center_q(user, prefix="center__"))
    ]
