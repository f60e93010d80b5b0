"""The 打印 button of a document's admin form: shown when its doctype has a print format."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def print_page_url(doc) -> str:
    """The document's 打印 page, or "" when nothing prints it (no enabled format for its doctype)."""
    from apps.lowcode.print_format.service import formats_for

    doctype = getattr(doc, "doctype", "")
    if not doctype or not getattr(doc, "name", "") or not formats_for(doctype).exists():
        return ""
    return reverse("print-page", args=[doctype, doc.name])
