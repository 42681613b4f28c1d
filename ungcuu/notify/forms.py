from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ungcuu.core.errors import ServiceError
from ungcuu.notify import transport
from ungcuu.notify.models import NOTIFY_ROLES, ROLE_FIELDS, Channel, RoutingPolicy, role_label


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


class RoutingPolicyForm(forms.ModelForm):
    """The admin's form of a center's policy: who each level tells as checkboxes, checked
    as on the policy page (the team leader always at once, 004 B1)."""

    class Meta:
        model = RoutingPolicy
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(role, role_label(role)) for role in NOTIFY_ROLES]
        for name in ROLE_FIELDS:
            model_field = RoutingPolicy._meta.get_field(name)
            self.fields[name] = forms.MultipleChoiceField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            if self.instance.pk:
                self.initial[name] = self.instance.roles(name)
            else:
                self.initial[name] = model_field.get_default()

    def clean(self):
        from ungcuu.notify.services import check_roles

        data = super().clean()
        values, errors = check_roles({f: data.get(f) or [] for f in ROLE_FIELDS})
        for field, message in errors.items():
            self.add_error(field, message)
        data.update(values)
        return data
