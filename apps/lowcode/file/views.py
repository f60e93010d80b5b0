"""Serving private files to the users who may see the document they belong to."""

from django.http import FileResponse
from rest_framework.views import APIView

from apps.lowcode.exceptions import DoesNotExistError
from apps.lowcode.file.model import File
from apps.lowcode.permissions import scope_queryset


class PrivateFileView(APIView):
    def get(self, request, path):
        record = scope_queryset(request.user, File).filter(file_url=f"/private/files/{path}").first()
        if record is None or not record.content.storage.exists(record.content.name):
            raise DoesNotExistError("文件不存在")
        response = FileResponse(record.content.open("rb"), as_attachment=True, filename=record.file_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
