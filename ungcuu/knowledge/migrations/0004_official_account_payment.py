"""003 TH2: the guide for citizens without a bank account names payment "qua tài khoản
công vụ" as the plan does. A step or keyword list a center's admin has edited is left as is."""

from django.db import migrations

SLUG = "khong-co-tai-khoan-ngan-hang"
OLD_STEP = (
    "Nếu người dân muốn thanh toán không dùng tiền mặt: hướng dẫn dùng ví điện tử, quét mã QR "
    "của đơn vị hoặc phương thức thanh toán khác mà Trung tâm có."
)
NEW_STEP = (
    "Nếu người dân muốn thanh toán không dùng tiền mặt: hỗ trợ thanh toán trực tuyến qua tài "
    "khoản công vụ, hoặc hướng dẫn dùng ví điện tử, quét mã QR của đơn vị hoặc phương thức "
    "thanh toán khác mà Trung tâm có."
)
OLD_KEYWORDS = (
    "ngân hàng, chuyển khoản, thanh toán trực tuyến, nộp tiền, phí, lệ phí, tiền mặt, "
    "ví điện tử, QR"
)
NEW_KEYWORDS = OLD_KEYWORDS + ", tài khoản công vụ"


def forward(apps, schema_editor):
    from ungcuu.knowledge.services import guide_index

    Guide = apps.get_model("knowledge", "Guide")
    GuideStep = apps.get_model("knowledge", "GuideStep")
    guide = Guide.objects.filter(slug=SLUG).first()
    if guide is None:
        return
    changed = GuideStep.objects.filter(guide_id=guide.pk, text=OLD_STEP).update(text=NEW_STEP)
    changed += Guide.objects.filter(pk=guide.pk, keywords=OLD_KEYWORDS).update(
        keywords=NEW_KEYWORDS
    )
    if changed:
        guide.refresh_from_db()
        guide_index(guide=guide, step_model=GuideStep)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_guide_note"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
