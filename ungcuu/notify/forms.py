from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ungcuu.core.errors import ServiceError
from ungcuu.notify import transport
from ungcuu.notify.models import Channel


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["person", "contact", "url", "label", "position", "is_active"]

    def clean_url(self) -> str:
        try:
            return transport.check_url(self.cleaned_data["url"])
        except ServiceError as exc:
            raise ValidationError(exc.message) from exc

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("contact")):
            raise ValidationError("Chọn đúng một người nhận hoặc một đầu mối/nhóm.")
        return data
