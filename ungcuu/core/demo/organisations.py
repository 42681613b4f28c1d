"""The outside bodies the demo centers call on, and their contacts."""

from __future__ import annotations

import random

from ungcuu.core.demo.common import _email, _landline, _mobile
from ungcuu.core.demo.places import CARRIER_NAMES, PROVINCES, _CenterContext
from ungcuu.org.models import Center, Contact, Organisation, OrganisationKind, Province


def _create_organisations(
    rng: random.Random, contexts: dict[str, _CenterContext]
) -> tuple[list[Organisation], int]:
    """Every outside body the centers call on, with contacts; fills ``ctx.orgs``."""
    organisations: list[Organisation] = []
    contact_count = 0
    provinces = {ctx.center.province.code: ctx.center.province for ctx in contexts.values()}
    centers_of = {
        code: [ctx for ctx in contexts.values() if ctx.center.province.code == code]
        for code in provinces
    }

    def org(name: str, kind: str, province: Province, area: str, local: str) -> Organisation:
        organisation = Organisation.objects.create(
            name=name,
            kind=kind,
            province=province,
            hotline=_landline(rng, area),
            email=_email(local),
        )
        organisations.append(organisation)
        return organisation

    def contact(
        organisation: Organisation,
        name: str,
        title: str = "",
        *,
        center: Center | None = None,
        local: str,
        landline: str = "",
    ) -> None:
        nonlocal contact_count
        mobile = _mobile(rng)
        Contact.objects.create(
            organisation=organisation,
            center=center,
            name=name,
            title=title,
            phone=landline or mobile,
            zalo=mobile,
            email=_email(local),
        )
        contact_count += 1

    first_names = ("Nguyễn Văn", "Trần Văn", "Lê Đình", "Phạm Quang", "Hoàng Văn", "Đặng Xuân")
    given_names = ("An", "Bình", "Chiến", "Dũng", "Hải", "Khoa", "Lâm", "Minh", "Nghĩa", "Vinh")

    def person_name() -> str:
        return f"{rng.choice(first_names)} {rng.choice(given_names)}"

    for code, province in sorted(provinces.items()):
        pspec = PROVINCES[code]
        local_ctxs = centers_of[code]
        isp: dict[str, Organisation] = {}
        for carrier in pspec.carriers:
            label = CARRIER_NAMES[carrier]
            organisation = org(
                f"{label} {pspec.short}",
                OrganisationKind.ISP,
                province,
                pspec.area,
                f"{carrier}.{pspec.slug}",
            )
            isp[carrier] = organisation
            contact(
                organisation,
                f"Tổ Đối ứng {label} {pspec.short} (trực kỹ thuật)",
                "Đường dây nóng kỹ thuật",
                local=f"doiung.{carrier}.{pspec.slug}",
                landline=_landline(rng, pspec.area),
            )
            for ctx in local_ctxs:
                if carrier not in ctx.spec.carriers:
                    continue
                ward = ctx.center.ward_name
                ward = f"{ward[:1].lower()}{ward[1:]}"
                title = f"Kỹ thuật viên phụ trách {ward}"
                if carrier == "mobifone":
                    # Seed 001: Đồng Phúc asks "kỹ thuật MBF" for account problems too.
                    title = f"Kỹ thuật MBF hỗ trợ {ward}"
                contact(
                    organisation,
                    person_name(),
                    title,
                    center=ctx.center,
                    local=f"{carrier}.{ctx.spec.slug}",
                )

        software = org(
            pspec.software_vendor,
            OrganisationKind.SOFTWARE_VENDOR,
            province,
            pspec.area,
            f"phanmem.{pspec.slug}",
        )
        contact(
            software,
            "Bộ phận hỗ trợ phần mềm (hotline)",
            "Hỗ trợ tài khoản, lỗi phần mềm",
            local=f"hotro.phanmem.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(software, person_name(), "Kỹ sư triển khai", local=f"trienkhai.{pspec.slug}")

        province_it = org(
            f"Trung tâm CNTT – Sở Khoa học và Công nghệ {pspec.full}",
            OrganisationKind.PROVINCE_IT,
            province,
            pspec.area,
            f"cntt.skhcn.{pspec.slug}",
        )
        contact(
            province_it,
            "Phòng Hạ tầng và An toàn thông tin",
            "Hỗ trợ chứng thư số, ký số, trục liên thông",
            local=f"hatang.cntt.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(
            province_it, person_name(), "Phó Giám đốc Trung tâm", local=f"pgd.cntt.{pspec.slug}"
        )

        province_center = org(
            f"Trung tâm Phục vụ hành chính công {pspec.full}",
            OrganisationKind.PROVINCE_CENTER,
            province,
            pspec.area,
            f"ttpvhcc.{pspec.slug}",
        )
        contact(
            province_center,
            f"Tổ Công tác {'thành phố' if code == 31 else 'tỉnh'} (nhóm Zalo điều phối sự cố)",
            "Đầu mối điều phối sự cố",
            local=f"tocongtac.{pspec.slug}",
            landline=_landline(rng, pspec.area),
        )
        contact(
            province_center,
            person_name(),
            "Phó Giám đốc Trung tâm",
            local=f"pgd.ttpvhcc.{pspec.slug}",
        )

        focal = org(
            f"Đầu mối kỹ thuật CSDL quốc gia, chuyên ngành {pspec.full}",
            OrganisationKind.PROVINCE_FOCAL,
            province,
            pspec.area,
            f"csdl.{pspec.slug}",
        )
        for name, title, local in (
            (f"Phòng PC06 – Công an {pspec.full}", "CSDL quốc gia về dân cư, VNeID", "pc06"),
            ("Sở Tư pháp", "CSDL hộ tịch điện tử", "sotuphap"),
            ("Sở Nông nghiệp và Môi trường", "CSDL đất đai", "sonnmt"),
        ):
            contact(
                focal,
                name,
                title,
                local=f"{local}.{pspec.slug}",
                landline=_landline(rng, pspec.area),
            )

        it_service = org(
            pspec.it_service,
            OrganisationKind.IT_SERVICE,
            province,
            pspec.area,
            f"suachua.{pspec.slug}",
        )
        contact(
            it_service,
            person_name(),
            "Kỹ thuật sửa chữa máy in, đổ mực",
            local=f"kythuat.{pspec.slug}",
        )

        for ctx in local_ctxs:
            slug = ctx.spec.slug
            electricity = org(
                ctx.spec.electricity,
                OrganisationKind.ELECTRICITY,
                province,
                ctx.spec.area,
                f"dienluc.{slug}",
            )
            contact(
                electricity,
                "Trực vận hành, sửa chữa điện",
                "Báo mất điện, sự cố lưới điện",
                center=ctx.center,
                local=f"trucvanhanh.{slug}",
                landline=_landline(rng, ctx.spec.area),
            )
            ward = ctx.center.ward_name
            commune = org(
                f"UBND {ward[:1].lower()}{ward[1:]}",
                OrganisationKind.COMMUNE,
                province,
                ctx.spec.area,
                f"ubnd.{slug}",
            )
            contact(
                commune,
                "Văn phòng HĐND và UBND",
                "Điều phối máy nổ, Đài truyền thanh",
                center=ctx.center,
                local=f"vanphong.{slug}",
                landline=_landline(rng, ctx.spec.area),
            )
            contact(
                commune,
                ctx.spec.names[5],
                ctx.spec.commune_title,
                center=ctx.center,
                local=f"lanhdao.{slug}",
            )
            carriers = ctx.spec.carriers
            ctx.orgs = {
                OrganisationKind.ISP: [isp[carriers[0]], isp[carriers[1]]],
                OrganisationKind.SOFTWARE_VENDOR: [software],
                OrganisationKind.PROVINCE_IT: [province_it],
                OrganisationKind.PROVINCE_CENTER: [province_center],
                OrganisationKind.PROVINCE_FOCAL: [focal],
                OrganisationKind.IT_SERVICE: [it_service],
                OrganisationKind.ELECTRICITY: [electricity],
                OrganisationKind.COMMUNE: [commune],
            }
            ctx.words = {
                "he_thong": pspec.system,
                "nha_mang": CARRIER_NAMES[carriers[0]],
                "nha_mang_du_phong": CARRIER_NAMES[carriers[1]],
                "dien_luc": ctx.spec.electricity,
            }
    return organisations, contact_count
