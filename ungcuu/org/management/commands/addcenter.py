from django.core.management.base import BaseCommand, CommandError

from ungcuu.core.errors import ServiceError
from ungcuu.org.services import center_create


class Command(BaseCommand):
    help = "Thêm một Trung tâm theo mã xã/phường chính thức (sau sắp xếp 2025)."

    def add_arguments(self, parser):
        parser.add_argument("ward_code", type=int, help="Mã xã/phường, ví dụ 17623")
        parser.add_argument("code", help="Mã trung tâm, chữ thường không dấu, ví dụ bachngoc")
        parser.add_argument("prefix", help="Tiền tố số sự cố, ví dụ BN")

    def handle(self, *args, ward_code, code, prefix, **options):
        try:
            center = center_create(ward_code=ward_code, code=code, prefix=prefix)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{center.code}: {center.name} ({center.province.name})")
