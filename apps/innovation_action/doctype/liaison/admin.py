from django.contrib import admin

from apps.innovation_action.doctype.liaison.model import Liaison
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(Liaison)
class LiaisonAdmin(DocumentAdmin):
    list_display = ("person_name", "unit", "organization", "department", "phone", "user")
    list_filter = ("unit",)
    search_fields = ("person_name", "organization", "department", "unit__name")
    autocomplete_fields = ("unit", "user")
    fields = (
        "name",
        "unit",
        "organization",
        "department",
        "person_name",
        "phone",
        "user",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
