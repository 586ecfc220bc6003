"""SEND Hub settings: one file, driven by environment variables.

Development defaults need nothing installed (SQLite under var/, Celery tasks run in-process,
e-mail to the console). Production differs only through the environment; see .env.example.
Every variable is parsed strictly: an odd value stops start-up with ImproperlyConfigured.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from send_hub.lib.env import env, env_bool, env_choice, env_int, env_list
from send_hub.lib.secret_key import HOW_TO_MAKE_ONE, machine_secret_key, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("SEND_HUB_VAR_DIR", default=str(BASE_DIR / "var")))

# Off unless asked for: a server started without it set must not show tracebacks or relax
# cookies. The demo (`make run`) and the tests (tests/settings.py) turn it on explicitly.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if DEBUG:
    # The demo needs no setup: a key of its own, made once per machine and kept under var/.
    SECRET_KEY = SECRET_KEY or machine_secret_key(VAR_DIR / "dev-secret-key")
elif _key_problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) {_key_problem}. {HOW_TO_MAKE_ONE} "
        "For the demo on your own computer, set DJANGO_DEBUG=true instead."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The address people use, for links in e-mails (never derived from the request's Host header),
# and the name e-mails call the site by. Both reach e-mails through send_hub.lib.site.
BASE_URL = env.str("SEND_HUB_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(BASE_URL)
if _base.scheme not in ("http", "https") or not _base.netloc or _base.path or _base.query:
    raise ImproperlyConfigured(
        f"SEND_HUB_BASE_URL={BASE_URL!r} must be the address people open, like "
        "https://sendhub.school.example (with https://, without a path)."
    )
SEND_HUB_SITE_NAME = env.str("SEND_HUB_SITE_NAME", default="SEND Hub").strip() or "SEND Hub"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "csp",
    "bootstrap",
    "simple_history",
    "adminsortable2",
    "pgtrigger",
    "staff",
    "pupils",
    "interventions",
    "safeguarding",
    "records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id (and the person's id) on every log line of the request (send_hub.lib.logging).
    "send_hub.lib.logging.RequestIdMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staff.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "staff.middleware.CurrentSchoolMiddleware",
    "staff.middleware.RequireMFAMiddleware",
    "staff.middleware.NoStoreForSignedInMiddleware",
    # A refused change to an archived leaver's records, shown with its reason (records.archive).
    "records.archive.ArchivedRecordMiddleware",
    "send_hub.lib.form_keys.FormKeyMiddleware",
]

ROOT_URLCONF = "send_hub.urls"
# `make bench` only: also route the floor page (an empty page behind every middleware) that
# every page's throughput is measured against (benchmarks/pages.py, send_hub/floor_urls.py).
if env_bool("SEND_HUB_BENCH_FLOOR", default=False):
    ROOT_URLCONF = "send_hub.floor_urls"
WSGI_APPLICATION = "send_hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "staff.context_processors.layout",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'send_hub.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the big report aggregations (the trust view, termly reports)
    # for longer than they take to run: measured 1.4 s -> 0.3 s on the 12-school demo.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming read replica (optional): the heavy read-only reports read from it, everything else
# from the primary (send_hub.db_router). Connect as the same role as DATABASE_URL.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    if "OPTIONS" in DATABASES["default"]:
        DATABASES["replica"].setdefault("OPTIONS", {}).update(DATABASES["default"]["OPTIONS"])
DATABASE_ROUTERS = ["send_hub.db_router.ReplicaRouter"]

# The cache lives in the database: allauth's rate limits and used-TOTP-code records must be
# shared by every worker process, and sign-in must keep working when Redis is down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "send_hub_cache",
        # Reports, and what is kept until the register changes (a school's figures and lists,
        # each pupil's register record): room for a trust's day without culling.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# How long a heavy school report (the provision map, what works) is shown again before it is
# worked out afresh; the page says when it was worked out and offers to do it now. 0: never kept.
SEND_HUB_REPORT_CACHE_SECONDS = env_int("SEND_HUB_REPORT_CACHE_SECONDS", 300, minimum=0)

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:today"

# Sessions: 30 minutes idle (the cookie is renewed on every request), 10 hours absolute
# (checked by staff.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = env_int("SEND_HUB_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_AGE = timedelta(hours=env_int("SEND_HUB_SESSION_ABSOLUTE_HOURS", 10, minimum=1))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# allauth: e-mail sign-in, accounts by invitation only (see staff.adapters), MFA with TOTP.
ACCOUNT_ADAPTER = "staff.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # invitations prove the address
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset never signs in, so it cannot skip MFA
# A whole school signs in through one public address (the school's router), so per-address limits
# are generous and per-account limits strict: a locked account (5 failures in 15 minutes, by
# password or two-factor code) leaves colleagues signing in from the same building. The account
# limit comes first so that hammering a locked account does not spend the building's allowance.
# A password reset unlocks the account at once. Every failure and refusal is audited
# (staff.audit_receivers, staff.adapters) and listed at /staff/sign-ins/.
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "5/15m/key,20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SEND_HUB_SITE_NAME}] "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SEND Hub"
# allauth refuses to add an authenticator while any address is unverified (against someone signing
# up with another person's address). Sign-up is closed and invitations prove the address, so that
# check only locked out staff who opened the e-mail page before setting up two-factor.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# MFA before any page with pupil data. The local demo may relax this; every page then says so.
SEND_HUB_MFA_REQUIRED = env_bool("SEND_HUB_MFA_REQUIRED", default=True)
MFA_ADAPTER = "staff.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "staff.forms.sign_in.AuthenticateForm",
    "reauthenticate": "staff.forms.sign_in.ReauthenticateForm",
}
# Authenticator secrets and recovery-code seeds are encrypted in the database with these Fernet
# keys (staff.adapters.MFAAdapter), newest first: the first encrypts, every one decrypts, so a key
# is rotated by putting a new one in front and running `manage.py mfa_reencrypt` (README).
SEND_HUB_MFA_ENCRYPTION_KEYS = env_list("SEND_HUB_MFA_ENCRYPTION_KEYS", [])
if not SEND_HUB_MFA_ENCRYPTION_KEYS:
    if DEBUG:
        # Development, tests and the local demo; never used with DJANGO_DEBUG=false.
        SEND_HUB_MFA_ENCRYPTION_KEYS = ["c2VuZC1odWItZGV2ZWxvcG1lbnQtb25seS1rZXktMDA="]
    elif SEND_HUB_MFA_REQUIRED:
        raise ImproperlyConfigured(
            "SEND_HUB_MFA_ENCRYPTION_KEYS (or SEND_HUB_MFA_ENCRYPTION_KEYS_FILE) must be set when "
            'two-factor sign-in is required; make a key with: python -c "from '
            'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        )
# Keys ever committed here (.env.example's, the development one) are known to anyone.
PUBLISHED_MFA_KEYS = frozenset(
    {"cmVwbGFjZS10aGlzLWtleS13aXRoLXlvdXItb3duISE=", "c2VuZC1odWItZGV2ZWxvcG1lbnQtb25seS1rZXktMDA="}
)
for _number, _key in enumerate(SEND_HUB_MFA_ENCRYPTION_KEYS, start=1):
    if not DEBUG and _key in PUBLISHED_MFA_KEYS:
        raise ImproperlyConfigured(
            f"SEND_HUB_MFA_ENCRYPTION_KEYS: key {_number} is a published example, which anyone can "
            'read; make your own with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        )
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"SEND_HUB_MFA_ENCRYPTION_KEYS: key {_number} is not a Fernet key (32 bytes in "
            "URL-safe base64, 44 characters ending in =)."
        ) from None

# The client address, for the sign-in limits and the audit log. Behind a reverse proxy every
# request comes from the proxy, so without this a whole trust would share one limit; but a header
# is only believed when your own proxy sets it (anyone can send one). Empty: the connecting
# address. X-Forwarded-For: the address SEND_HUB_TRUSTED_PROXY_COUNT proxies from the right
# (each proxy appends the address it saw). Any other name, e.g. X-Real-IP or CF-Connecting-IP: a
# header your proxy sets to the client's address alone, overwriting whatever the client sent.
SEND_HUB_CLIENT_IP_HEADER = env.str("SEND_HUB_CLIENT_IP_HEADER", default="").strip()
SEND_HUB_TRUSTED_PROXY_COUNT = env_int("SEND_HUB_TRUSTED_PROXY_COUNT", 1, minimum=1)
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
if SEND_HUB_CLIENT_IP_HEADER.lower() == "x-forwarded-for":
    ALLAUTH_TRUSTED_PROXY_COUNT = SEND_HUB_TRUSTED_PROXY_COUNT
elif SEND_HUB_CLIENT_IP_HEADER:
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", SEND_HUB_CLIENT_IP_HEADER):
        raise ImproperlyConfigured(
            f"SEND_HUB_CLIENT_IP_HEADER={SEND_HUB_CLIENT_IP_HEADER!r} is not a header name "
            "(letters, digits and hyphens, e.g. X-Real-IP)."
        )
    if SEND_HUB_CLIENT_IP_HEADER.lower() == "forwarded":
        raise ImproperlyConfigured(
            "SEND_HUB_CLIENT_IP_HEADER cannot be Forwarded (it holds more than an address): use "
            "X-Forwarded-For with SEND_HUB_TRUSTED_PROXY_COUNT, or X-Real-IP."
        )
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = SEND_HUB_CLIENT_IP_HEADER

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: our own origin only, no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents live outside the web root and are served only through permission checks.
MEDIA_ROOT = Path(env.str("SEND_HUB_MEDIA_ROOT", default=str(VAR_DIR / "media")))

# E-mail: the console by default; smtp+tls://user:password@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SEND Hub <send-hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without REDIS_URL, tasks run in-process (the zero-install demo).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A web request must never hang on a dead broker: fail fast when publishing, and let the
# periodic sweeps pick the work up from the database later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-pending-invitations": {
        "task": "staff.tasks.invitations_send_pending_task",
        "schedule": crontab(minute="*/5"),
    },
    "build-pending-impact-reports": {
        "task": "interventions.tasks.impact_reports_build_pending_task",
        "schedule": crontab(minute="*/15"),
    },
    "build-pending-termly-reports": {
        "task": "interventions.tasks.termly_reports_build_pending_task",
        "schedule": crontab(minute="*/15"),
    },
    "safeguarding-alert-emails": {
        "task": "safeguarding.tasks.alerts_email_pending_task",
        "schedule": crontab(minute="*/5"),
    },
    "safeguarding-escalate-untriaged": {
        "task": "safeguarding.tasks.concerns_escalate_due_task",
        "schedule": crontab(minute="*/15"),
    },
    "interventions-reminders-sweep": {
        "task": "interventions.tasks.reminders_sweep_task",
        "schedule": crontab(hour=6, minute=30),
    },
    "interventions-reminders-digest": {
        "task": "interventions.tasks.reminders_digest_task",
        "schedule": crontab(hour=7, minute=15),
    },
    # Attendance: files the MIS dropped overnight, then the early warning reads them.
    "interventions-attendance-folder-import": {
        "task": "interventions.tasks.attendance_folder_import_task",
        "schedule": crontab(hour=5, minute=45),
    },
    "interventions-early-warning-sweep": {
        "task": "interventions.tasks.early_warning_sweep_task",
        "schedule": crontab(hour=6, minute=15),
    },
    "safeguarding-daily-reminders": {
        "task": "safeguarding.tasks.reminders_daily_task",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    # Records past their retention rule, listed for the DPO or head to approve (records app).
    "records-disposal-monthly": {
        "task": "records.tasks.disposal_list_monthly_task",
        "schedule": crontab(day_of_month=1, hour=5, minute=0),
    },
    "records-sar-reminders": {
        "task": "records.tasks.sar_reminders_task",
        "schedule": crontab(hour=6, minute=45),
    },
}

# Security. In production (DEBUG off) cookies are secure and HTTPS is enforced.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SEND_HUB_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SEND_HUB_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SEND_HUB_HSTS_PRELOAD", default=True)
if env_bool("SEND_HUB_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = env_choice("SEND_HUB_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
_LOGGERS: dict[str, dict[str, str]] = {
    "django.db.backends": {"level": "WARNING"},
    "weasyprint": {"level": "WARNING"},  # otherwise several INFO lines per PDF
    "fontTools": {"level": "WARNING"},
}
if CELERY_TASK_ALWAYS_EAGER:
    # The zero-install demo runs tasks in-process over an in-memory broker: keep it quiet.
    _LOGGERS.update(
        {"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}}
    )
# JSON lines in production (ids only: send_hub.lib.logging), plain text for the demo.
LOG_FORMAT = env_choice("SEND_HUB_LOG_FORMAT", "plain" if DEBUG else "json", ["json", "plain"])
if LOG_FORMAT == "plain":
    # One line per request is for log collectors; runserver prints its own.
    _LOGGERS["send_hub.request"] = {"level": "WARNING"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "send_hub.lib.logging.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "send_hub.lib.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": _LOGGERS,
}

# Invitations expire; an unused link is worthless after this many days.
SEND_HUB_INVITATION_DAYS = env_int("SEND_HUB_INVITATION_DAYS", 7, minimum=1)

# Rules schools may set differently (DOMAIN.md marks these "verify": configuration, not code).
# Largest document upload; keep your reverse proxy's request-body limit at least this big.
SEND_HUB_MAX_UPLOAD_MB = env_int("SEND_HUB_MAX_UPLOAD_MB", 10, minimum=1)
# A Goal Based Outcomes change of at least this many points counts as reliable change.
SEND_HUB_GBO_RELIABLE_CHANGE = env_int("SEND_HUB_GBO_RELIABLE_CHANGE", 3, minimum=1)
# ELSA accreditation shows as lapsing below this many supervision sessions a term.
SEND_HUB_ELSA_SUPERVISIONS_PER_TERM = env_int("SEND_HUB_ELSA_SUPERVISIONS_PER_TERM", 2, minimum=0)
# Minutes in a school day, for turning suspension days into minutes out of class.
SEND_HUB_SCHOOL_DAY_MINUTES = env_int("SEND_HUB_SCHOOL_DAY_MINUTES", 390, minimum=60)
# Attendance (DfE definitions): a pupil missing at least this % of possible sessions is
# persistently absent, and at least the severe % severely absent.
SEND_HUB_PERSISTENT_ABSENCE_PERCENT = env_int("SEND_HUB_PERSISTENT_ABSENCE_PERCENT", 10, minimum=1)
SEND_HUB_SEVERE_ABSENCE_PERCENT = env_int("SEND_HUB_SEVERE_ABSENCE_PERCENT", 50, minimum=1)
# A folder the MIS drops attendance CSVs in, one sub-folder per school's URN (blank: none).
SEND_HUB_ATTENDANCE_DROP_DIR = env.str("SEND_HUB_ATTENDANCE_DROP_DIR", default="")
# EHCP phase transfers: the amended plan's deadline ("MM-DD") in the year of the move.
SEND_HUB_PHASE_TRANSFER_SCHOOL = env.str("SEND_HUB_PHASE_TRANSFER_SCHOOL", default="02-15")
SEND_HUB_PHASE_TRANSFER_POST16 = env.str("SEND_HUB_PHASE_TRANSFER_POST16", default="03-31")
for _name in ("SEND_HUB_PHASE_TRANSFER_SCHOOL", "SEND_HUB_PHASE_TRANSFER_POST16"):
    try:
        date(2024, *(int(part) for part in globals()[_name].split("-")))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{_name} must be a month and day, MM-DD.") from None
# Days before a training or DBS expiry that its holder is reminded.
SEND_HUB_TRAINING_REMINDER_DAYS = env_int("SEND_HUB_TRAINING_REMINDER_DAYS", 60, minimum=1)
# Days without a logged session before a key adult is reminded about a pupil on their caseload.
SEND_HUB_CASELOAD_QUIET_DAYS = env_int("SEND_HUB_CASELOAD_QUIET_DAYS", 14, minimum=1)
