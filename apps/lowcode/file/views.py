"""Serving private files to the users who may see the document they belong to."""

from django.http import FileResponse
from rest_framework.views import APIView

from apps.lowcode.exceptions import DoesNotExistError
from apps.lowcode.file.model import File
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.website.framing import framable_by_this_site

# What a browser may show in place (?inline=1: an image or a PDF previewed beside the form). Uploads of these
# types were checked by their content (upload.py), and the type is sent as such (nosniff), so nothing
# uploaded runs as a page of the site. Anything else is always a download.
INLINE_TYPES = {"pdf", "png", "jpg", "jpeg", "gif"}


class PrivateFileView(APIView):
    def get(self, request, path):
        record = scope_queryset(request.user, File).filter(file_url=f"/private/files/{path}").first()
        if record is None or not record.content.storage.exists(record.content.name):
            raise DoesNotExistError("文件不存在")
        extension = record.file_name.rsplit(".", 1)[-1].lower() if "." in record.file_name else ""
        inline = request.GET.get("inline") == "1" and extension in INLINE_TYPES
        response = FileResponse(record.content.open("rb"), as_attachment=not inline, filename=record.file_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return framable_by_this_site(response) if inline else response
