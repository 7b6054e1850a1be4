"""Django settings. Every value a user may change comes from `retroduce.site.config`."""

from __future__ import annotations

from pathlib import Path

from retroduce.site import config

HOME = config.home()
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = config.secret_key(HOME)
DEBUG = config.flag("RETRODUCE_DEBUG")
ALLOWED_HOSTS = config.allowed_hosts()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "retroduce.site",
    "retroduce.core",
    "retroduce.theory",
    "retroduce.sources",
    "retroduce.screening",
    "retroduce.documents",
    "retroduce.coding",
    "retroduce.reports",
    "retroduce.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "retroduce.site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless marked login_not_required (the sign-in page).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "retroduce.site.urls"
WSGI_APPLICATION = "retroduce.site.wsgi.application"

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

DATABASES = {"default": config.database(HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_ATTEMPTS = config.integer("RETRODUCE_LOGIN_ATTEMPTS", minimum=1)
LOGIN_WINDOW_SECONDS = config.integer("RETRODUCE_LOGIN_WINDOW", minimum=1)
# An absolute lifetime, not a sliding one: renewing on every request would cost a session write
# per page, and a forgotten browser on a shared ward computer still signs out by evening.
SESSION_COOKIE_AGE = config.integer("RETRODUCE_SESSION_HOURS", minimum=1) * 3600
# Input limits (see retroduce.core.limits): each refusal names the file and the limit.
MAX_UPLOAD_BYTES = config.integer("RETRODUCE_MAX_UPLOAD_MB", minimum=1) * 1024 * 1024
MAX_FIELD_CHARS = config.integer("RETRODUCE_MAX_FIELD_CHARS", minimum=1000)
MAX_RECORDS = config.integer("RETRODUCE_MAX_RECORDS", minimum=1)
MAX_UNZIPPED_BYTES = config.integer("RETRODUCE_MAX_UNZIPPED_MB", minimum=1) * 1024 * 1024
MAX_PDF_PAGES = config.integer("RETRODUCE_MAX_PDF_PAGES", minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served straight from the installed package: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = HOME / "files"

SECURE_COOKIES = config.secure_cookies(ALLOWED_HOSTS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Inline script is forbidden; htmx is told (by a meta tag) not to inject its own inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "retroduce.site.errors.csrf_failure"
