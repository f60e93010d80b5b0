"""The API's JSON parser: request bodies read strictly (see apps.lowcode.strict_json)."""

from rest_framework.parsers import JSONParser

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.strict_json import loads


class StrictJSONParser(JSONParser):
    """DRF's JSON parser reading through :func:`loads`."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ValidationError("请求内容不是合法的 UTF-8 文本") from None
        if not text.strip():
            return {}
        return loads(text, "请求内容")
