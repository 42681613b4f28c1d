"""The audit log's entries under a Vietnamese name in the admin (django-auditlog owns the table)."""

from __future__ import annotations

from auditlog.models import LogEntry


class ConfigChange(LogEntry):
    class Meta:
        proxy = True
        verbose_name = "thay đổi cấu hình"
        verbose_name_plural = "nhật ký thay đổi cấu hình"
