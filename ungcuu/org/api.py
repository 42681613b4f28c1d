from __future__ import annotations

from ninja import Router, Schema

from ungcuu.org.scope import centers_for

router = Router(tags=["Tổ chức"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    center: str | None
    province: int | None
    organisation: str | None


class CenterOut(Schema):
    code: str
    name: str
    ward_code: int
    ward_name: str
    province: int
    province_name: str
    prefix: str


@router.get("/me", response=MeOut, summary="Người đang gọi API")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        full_name=user.display_name,
        role=user.role,
        role_label=user.get_role_display(),
        center=user.center.code if user.center_id else None,
        province=user.province.code if user.province_id else None,
        organisation=user.organisation.name if user.organisation_id else None,
    )


@router.get("/centers", response=list[CenterOut], summary="Các trung tâm người gọi được xem")
def centers(request):
    return [
        CenterOut(
            code=c.code,
            name=c.name,
            ward_code=c.ward_code,
            ward_name=c.ward_name,
            province=c.province.code,
            province_name=c.province.name,
            prefix=c.prefix,
        )
        for c in centers_for(request.auth)
    ]
