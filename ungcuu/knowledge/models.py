"""Guides for staff at the desk: vulnerable citizens, common situations, what to say."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungcuu.catalog.models import IncidentType


class Category(models.TextChoices):
    VULNERABLE = "vulnerable", _("Hỗ trợ người dân yếu thế")
    SITUATION = "situation", _("Tình huống thường gặp")
    COMMUNICATION = "communication", _("Thông báo, xin lỗi người dân")


class GuideQuerySet(models.QuerySet):
    def published(self) -> GuideQuerySet:
        return self.filter(is_published=True)


class Guide(models.Model):
    slug = models.SlugField("mã", max_length=60, unique=True)
    category = models.CharField("nhóm", max_length=20, choices=Category.choices)
    title = models.CharField("tiêu đề", max_length=200)
    position = models.PositiveSmallIntegerField("thứ tự", default=100)
    summary = models.TextField("tóm tắt", blank=True, help_text="Một hai câu: khi nào dùng.")
    phrases = models.TextField(
        "nên nói", blank=True, help_text="Những câu nói lịch sự, mỗi câu một dòng."
    )
    support = models.TextField(
        "chuẩn bị, hỗ trợ thêm",
        blank=True,
        help_text="Những việc Trung tâm bố trí sẵn, mỗi việc một dòng.",
    )
    avoid = models.TextField("không nên", blank=True, help_text="Mỗi điều một dòng.")
    keywords = models.TextField(
        "từ khóa tìm kiếm",
        blank=True,
        help_text="Những từ người ta hay gõ khi tìm (cách nhau bằng dấu phẩy).",
    )
    incident_types = models.ManyToManyField(
        IncidentType,
        blank=True,
        related_name="guides",
        verbose_name="loại sự cố liên quan",
    )
    is_published = models.BooleanField("đang dùng", default=True)
    # Folded copies (lower case, no diacritics, đ → d) so one plain LIKE finds
    # "nguoi cao tuoi" and "Người cao tuổi" alike on SQLite and PostgreSQL.
    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = "hướng dẫn"
        verbose_name_plural = "hướng dẫn"
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.lstrip("-+• ").strip() for line in text.splitlines() if line.strip()]

    def phrase_lines(self) -> list[str]:
        return self._lines(self.phrases)

    def support_lines(self) -> list[str]:
        return self._lines(self.support)

    def avoid_lines(self) -> list[str]:
        return self._lines(self.avoid)


class GuideStep(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="steps", verbose_name="hướng dẫn"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    text = models.TextField("việc cần làm")

    class Meta:
        verbose_name = "bước"
        verbose_name_plural = "các bước cần làm"
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "position"], name="one_guide_step_per_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class GuideNote(models.Model):
    """What one center adds to a guide: its own phone numbers, rooms, arrangements."""

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="notes", verbose_name="hướng dẫn"
    )
    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="trung tâm"
    )
    text = models.TextField("ghi chú của Trung tâm")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người cập nhật",
    )
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "ghi chú của Trung tâm"
        verbose_name_plural = "ghi chú của Trung tâm"
        ordering = ["guide", "center"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "center"], name="one_note_per_center")
        ]

    def __str__(self) -> str:
        return f"{self.guide} – {self.center}"


def _media_path(instance: GuideMedia, filename: str) -> str:
    return f"guides/{instance.center_id}/{filename}"


class GuideMedia(models.Model):
    """A center's picture, audio or video illustrating a guide: "tài liệu minh họa bằng
    hình ảnh", "có video/audio minh họa" (003 IV.1b; R117). Seen, like notes, by the
    center's people and those overseeing it."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="media", verbose_name="hướng dẫn"
    )
    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="trung tâm"
    )
    caption = models.CharField("chú thích", max_length=200, blank=True)
    file = models.FileField(upload_to=_media_path, max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hình ảnh, âm thanh, video minh họa"
        verbose_name_plural = "hình ảnh, âm thanh, video minh họa"
        ordering = ["guide", "center", "created_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.original_name

    @property
    def kind(self) -> str:
        return self.content_type.split("/", 1)[0]
