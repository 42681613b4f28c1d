from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ungcuu.notify.admin import ChannelInline
from ungcuu.org.models import ApiToken, Center, Contact, DutyShift, Organisation, Province, User


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "require_two_step"]
    list_editable = ["require_two_step"]
    search_fields = ["name", "codename"]


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "ward_name", "ward_code", "province", "prefix", "require_two_step"]
    list_filter = ["province", "require_two_step"]
    search_fields = ["code", "ward_name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "hotline"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    inlines = [ChannelInline]
    list_display = ["name", "organisation", "center", "phone", "zalo", "email"]
    list_filter = ["organisation__kind"]
    search_fields = ["name", "phone", "organisation__name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ChannelInline]
    list_display = [
        "username",
        "full_name",
        "role",
        "center",
        "province",
        "organisation",
        "is_active",
    ]
    list_filter = ["role", "center", "province", "is_active"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "UngCuu",
            {
                "fields": [
                    "full_name",
                    "role",
                    "center",
                    "province",
                    "organisation",
                    "phone",
                    "title",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (
            "UngCuu",
            {"fields": ["full_name", "role", "center", "province", "organisation", "phone"]},
        ),
    ]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["date", "center", "person"]
    list_filter = ["center"]
    date_hierarchy = "date"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]


admin.site.site_header = "Quản trị UngCuu"
admin.site.site_title = "UngCuu"
admin.site.index_title = "Cấu hình Trung tâm, người dùng, danh mục sự cố"
