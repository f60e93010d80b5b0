"""Django settings, built from the current site's ``site_config.json``."""

import secrets
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from sites.site_config import (
    current_site,
    database_settings,
    load_site_config,
    site_dir,
    test_worker_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
SITE_NAME = current_site()
SITE_DIR = site_dir(SITE_NAME)
SITE_CONFIG = load_site_config(SITE_NAME)


def _development_secret_key() -> str:
    """A per-checkout random key, so no secret ever lives in the repository."""
    path = SITE_DIR / "secret_key"
    if not path.exists():
        SITE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


# Off unless the site says otherwise: a debug page shows settings and code to anyone who finds an error.
DEBUG = bool(SITE_CONFIG.get("debug", False))
SECRET_KEY = SITE_CONFIG.get("secret_key") or _development_secret_key()
ALLOWED_HOSTS = SITE_CONFIG.get("allowed_hosts", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "jazzmin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_rq",
    "csp",
    "rest_framework",
    "drf_spectacular_sidecar",
    # Frappe's OAuth 2 provider (apps/lowcode/auth/oauth.py, apps/lowcode/api/oauth.py); before apps.lowcode,
    # whose admin replaces the library's English admin pages.
    "oauth2_provider",
    "apps.lowcode",
    "apps.innovation_action",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Frappe's readable user_id / full_name / system_user cookies, set at login and deleted at logout.
    "apps.lowcode.auth.user_cookies.UserCookieMiddleware",
    # Users whose roles have no desk access are sent from the admin to the workbench (WORKBENCH_URL).
    "apps.lowcode.admin.desk.DeskAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.lowcode.doctype.version.CustomizationMiddleware",
]

ROOT_URLCONF = "sites.urls"
WSGI_APPLICATION = "sites.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_settings(SITE_CONFIG, SITE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Print formats shipped as data (DESIGN.md §8), and the defaults every site gets whatever its
# jurisdiction (the default workflows): installed by `manage.py new_site` and with every plan's fixtures.
PRINT_FORMATS_DIR = BASE_DIR / "print_formats"
DEFAULT_FIXTURES_DIR = BASE_DIR / "fixtures" / "defaults"
MEDIA_URL = "files/"
MEDIA_ROOT = SITE_DIR / "files"
# Without collected static files (a development checkout, the tests), WhiteNoise serves the
# apps' own static folders, so pages are styled with DEBUG off too.
WHITENOISE_USE_FINDERS = not STATIC_ROOT.exists()


def _immutable_file(path: str, url: str) -> bool:
    """The workbench's built assets carry a content hash in their names (Vite): cached for a year."""
    return url.startswith(f"/{STATIC_URL}workbench/assets/")


WHITENOISE_IMMUTABLE_FILE_TEST = _immutable_file
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # No manifest: pages render even before collectstatic (tests, first start).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Backups (`manage.py backup`, the daily job of apps/lowcode/hooks.py; sites/backup.py): where the archives go
# (production: another disk or a mounted share) and how many of the newest the daily job keeps.
BACKUP_DIR = Path(SITE_CONFIG.get("backup_path") or SITE_DIR / "backups")
BACKUP_KEEP = max(1, int(SITE_CONFIG.get("backup_keep", 7)))

# Background jobs: RQ on Redis when the site names one, inline otherwise.
REDIS_URL = test_worker_redis_url(SITE_CONFIG.get("redis_url"))
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 1800}}

if SITE_CONFIG.get("email_host"):
    EMAIL_HOST = SITE_CONFIG["email_host"]
    EMAIL_PORT = SITE_CONFIG.get("email_port", 25)
    EMAIL_HOST_USER = SITE_CONFIG.get("email_user", "")
    EMAIL_HOST_PASSWORD = SITE_CONFIG.get("email_password", "")
    DEFAULT_FROM_EMAIL = SITE_CONFIG.get("email_from", EMAIL_HOST_USER)
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Workflow notifications go by email too only when the site has a mail server.
EMAIL_NOTIFICATIONS = bool(SITE_CONFIG.get("email_host"))
# Reminder channels beyond 站内消息 and email, by name: {"sms": "dotted.path.SmsChannel"} (apps/lowcode/reminder/channels.py).
REMINDER_CHANNELS = SITE_CONFIG.get("reminder_channels", {})

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.lowcode.api.auth.TokenAuthentication",
        "apps.lowcode.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        # Lone surrogates, NaN and JSON nested too deep are refused with a 417, not a 500.
        "apps.lowcode.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # "format" is Frappe's parameter (download_pdf's print format), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
    "EXCEPTION_HANDLER": "apps.lowcode.api.errors.exception_handler",
    "UNICODE_JSON": True,
}


# Frappe's OAuth 2 provider: clients registered by administrators (OAuth 客户端), the authorization code with
# PKCE (required of public clients), refresh tokens, and the password grant for clients registered for it.
# An access token lives an hour as Frappe's; Frappe's one scope "all" (the user's own rights) and "openid".
def _oauth_pkce_required(client_id: str) -> bool:
    from apps.lowcode.auth.oauth import pkce_required  # the models load after the settings

    return pkce_required(client_id)


OAUTH2_PROVIDER = {
    "SCOPES": {"all": "以你的身份使用本系统的全部功能（权限与你的账号相同）", "openid": "读取你的姓名、邮箱和角色"},
    "DEFAULT_SCOPES": ["all"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "PKCE_REQUIRED": _oauth_pkce_required,
    # Mobile apps come back to a scheme of their own (e.g. "myapp://oauth"): list it in site_config.json.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https", *SITE_CONFIG.get("oauth_redirect_uri_schemes", [])],
}

# A CSRF refusal under /api (or at the legacy cmd= door) is Frappe's CSRFTokenError in JSON.
CSRF_FAILURE_VIEW = "apps.lowcode.api.errors.csrf_failure"

AUTHENTICATION_BACKENDS = ["apps.lowcode.auth.backends.LockoutModelBackend"]
# Reverse proxies whose X-Forwarded-For is believed (IPs or networks); the login lockout counts per client address.
TRUSTED_PROXIES = SITE_CONFIG.get("trusted_proxies", [])
# Forgotten passwords (apps/lowcode/auth/password_reset.py): a link is good for one day, as Frappe's
# reset_password_link_expiry, and opens this page of the workbench with ?key=….
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
PASSWORD_RESET_PAGE = "/app/update-password"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Shared by every web process when the site has Redis (login lockout counts, …); while Redis is down each
# process falls back to a cache of its own (sites/cache.py) instead of failing every request.
CACHES = {
    "default": {
        "BACKEND": "sites.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": SITE_NAME,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Behind HTTPS in production ("https": true in site_config.json) cookies travel only encrypted.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = bool(SITE_CONFIG.get("https", False))
SESSION_COOKIE_HTTPONLY = True
# Frappe's session cookie is "sid": clients that keep the session (an SSO bridge, a mobile app) read it by name.
SESSION_COOKIE_NAME = "sid"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if SITE_CONFIG.get("https"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the node over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy on every response (django-csp): pages load scripts, styles, fonts and
# images from this site only, send data only to it, and cannot be framed or re-based. The admin
# theme (jazzmin) and Swagger UI run inline scripts, so scripts may be inline but never from
# another origin; no plugins, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "admin:login"
# The workbench: where users without desk access (counties, units) work and log in (apps/lowcode/admin/desk.py).
WORKBENCH_URL = "/app/"
# Jazzmin's login form carries no "next" field: land on the admin, not /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"


def _site_word(name: str):
    """A word of the site's Website Settings (apps/lowcode/website), read when a page shows it, not now."""
    from apps.lowcode.website import site

    return getattr(site, f"lazy_{name}")()


JAZZMIN_SETTINGS = {
    "site_title": _site_word("site_name"),
    "site_header": _site_word("site_name"),
    "site_brand": _site_word("site_name"),
    "welcome_sign": _site_word("welcome_sign"),
    "copyright": _site_word("footer"),
    "search_model": ["innovation_action.Task", "innovation_action.Project"],
    "show_ui_builder": False,
    # Offline intranets and the CSP: no font from Google's CDN (the CJK system fonts are used anyway).
    "use_google_fonts_cdn": False,
    "topmenu_links": [
        {"name": "待我处理", "url": "workflow-inbox"},
        {"name": "我的消息", "url": "admin:lowcode_notificationlog_changelist"},
        {"name": "考评排名", "url": "ranking"},
        {"name": "接口文档", "url": "/api/docs/", "new_window": True},
    ],
    "usermenu_links": [
        {"name": "待我处理", "url": "workflow-inbox", "icon": "fas fa-inbox"},
        {"name": "我的 API 密钥", "url": "my-api-keys", "icon": "fas fa-key"},
    ],
    "custom_links": {
        "lowcode": [
            {"name": "待我处理", "url": "workflow-inbox", "icon": "fas fa-inbox"},
            # Administrators only (the page checks every configuration doctype).
            {
                "name": "配置导出与导入",
                "url": "config-transfer",
                "icon": "fas fa-exchange-alt",
                "permissions": ["lowcode.change_customfield", "lowcode.change_workflow"],
            },
        ],
        "innovation_action": [{"name": "考评排名", "url": "ranking", "icon": "fas fa-trophy"}],
    },
    "navigation_expanded": True,
    "order_with_respect_to": [
        "innovation_action",
        "innovation_action.ActionPlan",
        "innovation_action.Task",
        "innovation_action.Project",
        "innovation_action.County",
        "innovation_action.Unit",
        "innovation_action.Liaison",
        "innovation_action.IndicatorGroup",
        "innovation_action.Indicator",
        "innovation_action.AssessmentPeriod",
        "innovation_action.SelfAssessment",
        "lowcode",
        "auth",
    ],
    # Every app and every model in the admin has its own icon (tests/test_admin.py checks it): a new
    # doctype's admin gets one here, else the side menu shows jazzmin's generic dot.
    "icons": {
        "innovation_action": "fas fa-rocket",
        "lowcode": "fas fa-cogs",
        "auth": "fas fa-shield-alt",
        "django_rq": "fas fa-server",
        "django_rq.Dashboard": "fas fa-stream",
        "lowcode.WebsiteSettings": "fas fa-globe",
        "innovation_action.AssessmentCategory": "fas fa-tags",
        "innovation_action.PlanAssessee": "fas fa-user-check",
        "innovation_action.AssesseeTarget": "fas fa-bullseye",
        "innovation_action.TaskRole": "fas fa-user-tag",
        "innovation_action.UnitGroup": "fas fa-object-group",
        "lowcode.PrintFormat": "fas fa-print",
        "lowcode.LetterHead": "fas fa-heading",
        "lowcode.PrintFont": "fas fa-font",
        "lowcode.Notice": "fas fa-file-signature",
        "lowcode.CustomField": "fas fa-plus-square",
        "lowcode.PropertySetter": "fas fa-sliders-h",
        "auth.Group": "fas fa-users-cog",
        "auth.User": "fas fa-user",
        "innovation_action.ActionPlan": "fas fa-file-alt",
        "innovation_action.County": "fas fa-map-marker-alt",
        "innovation_action.Unit": "fas fa-building",
        "innovation_action.Liaison": "fas fa-address-book",
        "innovation_action.Task": "fas fa-tasks",
        "innovation_action.Project": "fas fa-hard-hat",
        "innovation_action.IndicatorGroup": "fas fa-layer-group",
        "innovation_action.Indicator": "fas fa-chart-bar",
        "lowcode.UserPermission": "fas fa-user-lock",
        "lowcode.File": "fas fa-paperclip",
        "lowcode.ApiKey": "fas fa-key",
        "lowcode.OAuthClient": "fas fa-plug",
        "innovation_action.AssessmentPeriod": "fas fa-calendar-alt",
        "innovation_action.SelfAssessment": "fas fa-clipboard-check",
        "innovation_action.Score": "fas fa-trophy",
        "innovation_action.ProgressReport": "fas fa-calendar-check",
        "innovation_action.OfficialValue": "fas fa-stamp",
        "innovation_action.IntegrityCase": "fas fa-balance-scale",
        "lowcode.Workflow": "fas fa-project-diagram",
        "lowcode.WorkflowLog": "fas fa-history",
        "lowcode.NotificationLog": "fas fa-bell",
        "lowcode.ReminderRule": "fas fa-stopwatch",
        "lowcode.ReminderLog": "fas fa-paper-plane",
        "innovation_action.DeadlineRule": "fas fa-hourglass-half",
        "innovation_action.ProjectReport": "fas fa-clipboard-list",
        "innovation_action.ProjectStage": "fas fa-layer-group",
        "innovation_action.LightSetting": "fas fa-traffic-light",
    },
}
