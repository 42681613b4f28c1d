from django.contrib import admin

from ungcuu.knowledge.models import Guide, GuideNote, GuideStep
from ungcuu.knowledge.selectors import guides_matching as guides_search_any
from ungcuu.knowledge.services import guide_index


class GuideStepInline(admin.TabularInline):
    model = GuideStep
    extra = 1
    ordering = ["position"]


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "position", "is_published", "updated_at"]
    list_filter = ["category", "is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["incident_types"]
    inlines = [GuideStepInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "position", "is_published", "summary"]}),
        ("Nói với người dân", {"fields": ["phrases", "support", "avoid"]}),
        ("Tìm kiếm, liên kết", {"fields": ["keywords", "incident_types"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Diacritic-insensitive, like the staff search: "nguoi cao tuoi" finds "Người cao tuổi".
        if not search_term.strip():
            return queryset, False
        found = guides_search_any(search_term)
        return queryset.filter(pk__in=found.values("pk")), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The steps are saved after the guide: index once everything is in.
        guide_index(guide=form.instance)


@admin.register(GuideNote)
class GuideNoteAdmin(admin.ModelAdmin):
    list_display = ["guide", "center", "updated_by", "updated_at"]
    list_filter = ["center"]
    raw_id_fields = ["updated_by"]
