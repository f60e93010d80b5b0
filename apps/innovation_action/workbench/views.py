"""/app/ and every /app/<anything>: the workbench's built index.html, with the CSRF token and whether
someone is logged in handed over as JSON data (not a script: the Content-Security-Policy needs no
exception). The app itself routes (its own login page included) and reads everything else from the API.
"""

from pathlib import Path

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import json_script
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

BUILD_DIR = Path(__file__).resolve().parent.parent / "static" / "workbench"
INDEX = BUILD_DIR / "index.html"
MISSING = (
    "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>工作台尚未构建</title>"
    "<p>工作台的前端尚未构建：请运行 make run（或在 apps/innovation_action/frontend 中运行 npm ci 和 npm run build）。</p>"
)

_cache: dict = {"mtime": None, "html": ""}


def index_html() -> str | None:
    """The built index.html, read again only when a new build replaced it."""
    try:
        mtime = INDEX.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    if _cache["mtime"] != mtime:
        _cache.update(mtime=mtime, html=INDEX.read_text(encoding="utf-8"))
    return _cache["html"]


@require_safe
@never_cache
def index(request, path=""):
    html = index_html()
    if html is None:
        return HttpResponse(MISSING, status=503)
    boot = {"csrf_token": get_token(request), "logged_in": request.user.is_authenticated}
    return HttpResponse(html.replace("</head>", f"{json_script(boot, 'workbench-boot')}</head>", 1))
