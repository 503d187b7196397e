"""Settings, configured by environment variables (see README: Configuration)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CRM_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("CRM_DEBUG", False)
_secret_file = VAR_DIR / "secret_key"
if "CRM_SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["CRM_SECRET_KEY"]
else:
    # A trial install keeps a generated key under var/, so sessions survive restarts.
    if not _secret_file.exists():
        import secrets

        _secret_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _secret_file.read_text().strip()

ALLOWED_HOSTS = os.environ.get("CRM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CRM_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "crm.core",
    "crm.org",
    "crm.customers",
    "crm.products",
    "crm.sales",
    "crm.service",
    "crm.fieldservice",
    "crm.orders",
    "crm.system",
    "crm.commissions",
    "crm.knowledge",
    "crm.web",
    "crm.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.org.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crm.sqlite3'}"),
        conn_max_age=int(os.environ.get("CRM_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; wait for a lock rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the app's queries are short, but a cost estimate over millions of rows passes
    # jit_above_cost, and compiling took 1.7 s of a 20-row ticket page (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout: this many failures per username within the window lock the username.
CRM_LOCKOUT_FAILURES = 5
CRM_LOCKOUT_WINDOW_MINUTES = 15

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CRM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Background jobs (crm.core.jobs). False: a job runs in a thread of the web process, started
# when the request's transaction commits, and the page polls its progress. True: the job runs
# at once inside the request (the tests; also handy for debugging).
CRM_JOBS_INLINE = _env_bool("CRM_JOBS_INLINE", False)
# Uploaded import files wait here between the check and the import.
CRM_IMPORT_DIR = Path(os.environ.get("CRM_IMPORT_DIR", VAR_DIR / "imports"))
# An upload is removed this many hours after it was stored (checked, imported or abandoned).
CRM_IMPORT_KEEP_HOURS = int(os.environ.get("CRM_IMPORT_KEEP_HOURS", "24"))
# A job queued or running longer than this died with its process: it is marked failed.
CRM_JOB_TIMEOUT_MINUTES = int(os.environ.get("CRM_JOB_TIMEOUT_MINUTES", "360"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("CRM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 12

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("CRM_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("CRM_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("CRM_EMAIL_FROM", "crm@localhost")
EMAIL_HOST_USER = os.environ.get("CRM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CRM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("CRM_EMAIL_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = _env_bool("CRM_EMAIL_SSL", False)  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("CRM_EMAIL_TIMEOUT", "20"))
# The site's address as users reach it: links in e-mails (reminder digests) start with it.
CRM_BASE_URL = os.environ.get("CRM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CRM_LOG_LEVEL", "WARNING")},
}
