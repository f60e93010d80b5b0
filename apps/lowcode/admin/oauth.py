"""OAuth 客户端 (Frappe's "OAuth Client") in the admin, in Chinese, for administrators only.

django-oauth-toolkit registers its own admin pages (applications, tokens, grants), in English and open to
any staff user given the permission: they are taken away, and the clients are managed here through the
proxy model OAuthClient, whose permissions only the 系统管理员 role holds. Deleting a client revokes every
token issued to it.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from oauth2_provider import admin as toolkit_admin  # registers the library's pages, taken away below
from oauth2_provider.models import (
    Application,
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from oauth2_provider.settings import oauth2_settings

from apps.lowcode.models import OAuthClient

for _model in (
    Application,
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
del toolkit_admin

CLIENT_TYPES = [
    (Application.CLIENT_CONFIDENTIAL, "机密客户端（服务器端应用，能保管密钥）"),
    (Application.CLIENT_PUBLIC, "公开客户端（浏览器或手机应用，须使用 PKCE）"),
]
GRANT_TYPES = [
    (Application.GRANT_AUTHORIZATION_CODE, "授权码（Authorization Code，用户登录后确认授权）"),
    (Application.GRANT_PASSWORD, "账号密码（Password，应用直接提交用户的账号和密码）"),
]


class OAuthClientForm(forms.ModelForm):
    name = forms.CharField(label="应用名称", max_length=255)
    client_id = forms.CharField(label="client_id", max_length=100, help_text="客户端标识，应用请求授权时提交。")
    client_secret = forms.CharField(
        label="client_secret",
        max_length=255,
        required=False,
        help_text="客户端密钥：保存后只保留其摘要，无法再查看，请现在复制交给应用的开发者。"
        "修改已有客户端时留空表示不更换密钥。",
    )
    client_type = forms.ChoiceField(label="客户端类型", choices=CLIENT_TYPES, widget=forms.RadioSelect)
    authorization_grant_type = forms.ChoiceField(label="授权方式", choices=GRANT_TYPES, widget=forms.RadioSelect)
    redirect_uris = forms.CharField(
        label="重定向地址",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="授权后跳回应用的地址，每行一个，须与应用提交的 redirect_uri 完全一致；授权码方式必填。",
    )
    skip_authorization = forms.BooleanField(
        label="跳过授权确认",
        required=False,
        help_text="勾选后用户登录即直接授权，不再显示“允许/拒绝”页面；只适用于本单位自己的应用。",
    )

    class Meta:
        model = OAuthClient
        fields = [
            "name",
            "client_id",
            "client_secret",
            "client_type",
            "authorization_grant_type",
            "redirect_uris",
            "skip_authorization",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["client_secret"] = ""

    def clean_redirect_uris(self):
        uris = self.cleaned_data["redirect_uris"].split()
        schemes = {s.lower() for s in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES}
        for uri in uris:
            parts = urlsplit(uri)
            if parts.scheme.lower() not in schemes or not (parts.netloc or parts.path) or parts.fragment:
                raise forms.ValidationError(
                    f"重定向地址“{uri}”不正确：应为完整地址（以 {'、'.join(sorted(schemes))} 开头，不含 #）"
                )
        return "\n".join(uris)

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"].strip()
        if self.instance.pk and not secret:
            return self.instance.client_secret  # unchanged (already hashed: saved as it is)
        if not secret:
            raise forms.ValidationError("请填写客户端密钥")
        return secret

    def clean(self):
        data = super().clean()
        if data.get("authorization_grant_type") == Application.GRANT_AUTHORIZATION_CODE and not data.get(
            "redirect_uris"
        ):
            self.add_error("redirect_uris", "授权码方式必须填写重定向地址")
        return data

    def _post_clean(self):
        found = set(self._errors or {})
        super()._post_clean()
        # The model's own checks (the library's) speak English: what they add is said in Chinese here.
        for field in set(self._errors or {}) - found:
            if field in self.fields:
                label = self.fields[field].label
                self._errors[field] = self.error_class([f"{label}不正确或已被其他客户端使用，请检查后重新填写"])


@admin.register(OAuthClient)
class OAuthClientAdmin(admin.ModelAdmin):
    form = OAuthClientForm
    list_display = ("name", "client_id", "client_type_text", "grant_type_text", "skip_authorization", "created")
    search_fields = ("name", "client_id")
    ordering = ("-created",)

    @admin.display(description="客户端类型")
    def client_type_text(self, obj):
        return dict(CLIENT_TYPES).get(obj.client_type, obj.client_type).split("（")[0]

    @admin.display(description="授权方式")
    def grant_type_text(self, obj):
        return dict(GRANT_TYPES).get(obj.authorization_grant_type, obj.authorization_grant_type).split("（")[0]

    def save_model(self, request, obj, form, change):
        if obj.user_id is None:
            obj.user = request.user  # the administrator who registered it
        super().save_model(request, obj, form, change)
