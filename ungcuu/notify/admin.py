from django.contrib import admin

from ungcuu.notify.forms import ChannelForm, RoutingPolicyForm
from ungcuu.notify.models import Channel, Delivery, RoutingPolicy


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ["__str__", "person", "contact", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "person__username", "person__full_name", "contact__name"]
    autocomplete_fields = ["person", "contact"]


class ChannelInline(admin.TabularInline):
    model = Channel
    form = ChannelForm
    extra = 1
    fields = ["url", "label", "position", "is_active"]


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    form = RoutingPolicyForm
    list_display = [
        "center",
        "simple_ack_minutes",
        "complex_ack_minutes",
        "prolonged_minutes",
        "sms_for_complex",
        "complex_outside",
        "complex_outside_minutes",
    ]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["incident", "level", "recipient", "state", "attempts", "sent_at"]
    list_filter = ["state", "level"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False
