"""“我的 API 密钥”: a page where any signed-in user generates or revokes their own key pair."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from apps.lowcode.auth import api_key


@staff_member_required
@require_http_methods(["GET", "POST"])
def my_api_keys(request):
    secret = None
    if request.method == "POST":
        if request.POST.get("action") == "generate":
            key, secret = api_key.generate_keys(request.user)
            messages.success(request, "已生成新的 API 密钥。Secret 只显示这一次，请立即妥善保存；旧的 Secret 已失效。")
        elif request.POST.get("action") == "revoke":
            api_key.revoke_keys(request.user)
            messages.success(request, "API 密钥已吊销，使用它的程序将无法再访问系统。")
            return redirect("my-api-keys")
    context = {
        **admin.site.each_context(request),
        "title": "我的 API 密钥",
        "key_row": api_key.ApiKey.objects.filter(user=request.user).first(),
        "secret": secret,
    }
    return TemplateResponse(request, "lowcode/my_api_keys.html", context)
