"""Settings driven by environment variables.

With nothing set the project runs on an embedded default: a SQLite file in the project
folder, Celery tasks executed eagerly, email printed to the console, DEBUG on and a
generated development secret. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to the
real services. ``itsm.settings.production`` hardens this for deployment.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_config(url: str | None) -> dict:
    """Parse ``DATABASE_URL``; an empty value means the embedded SQLite file."""
    if not url:
        url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent requests share one file. A deferred transaction that reads and then
        # writes cannot wait for another writer (SQLite answers "database is locked" at
        # once); an immediate one takes the write lock at BEGIN and waits up to the busy
        # timeout, so the second writer then reads the first one's result and gets a 409
        # like on PostgreSQL. WAL lets readers go on while one writes.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # The planner's default random_page_cost (4) is for spinning disks: it priced the
        # group queue's own index (group, created_at, id) above reading the whole recent
        # index and filtering, 15 ms instead of 1.5 ms at a million incidents. 1.1 is the
        # usual figure for SSDs and a cached working set; options given in the URL follow
        # and win.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"-c random_page_cost=1.1 {options.get('options', '')}".strip()
    return config


def _dev_secret_key() -> str:
    """A random secret kept in a git-ignored file so sessions survive restarts."""
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(get_random_secret_key())
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "itsm",
    "incidents",
    "problems",
    "changes",
    "requests_app",
    "statuspage",
    "oncall",
    "alerts",
    "postmortems",
    "comms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "itsm.middleware.SecurityHeadersMiddleware",
    "itsm.middleware.SecurityLogContextMiddleware",
    # Before anything reads the body or looks a value up in the database.
    "itsm.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many reverse proxies of ours stand in front of the application; the client address
# (itsm.client_address) is read past exactly that many X-Forwarded-For hops. With the
# default 0 it is REMOTE_ADDR, so a forged X-Forwarded-For changes nothing.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Login lockout (portal, admin and API token logins). Counting per username *and*
# address means nobody can lock a colleague out from elsewhere.
AXES_CLIENT_IP_CALLABLE = "itsm.client_address.client_address"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "itsm.urls"
WSGI_APPLICATION = "itsm.wsgi.application"
ASGI_APPLICATION = "itsm.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: its hook revokes the user's API tokens after every password change.
    {"NAME": "itsm.api.revocation.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "itsm" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Attachments are never served from MEDIA_URL; only the access-checked download view sends them.
MEDIA_URL = "/media-not-served/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A hung mail server must fail the send (and retry), not hold a worker to its time limit.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
# Read only by the file-based backend (one file per message); the worker test uses it.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "test-artifacts" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "servicedesk@itsm.localhost")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Attachments: a size limit and an extension allowlist (no HTML, SVG or scripts).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
ATTACHMENT_ALLOWED_EXTENSIONS = env_list(
    "ATTACHMENT_ALLOWED_EXTENSIONS",
    "pdf,png,jpg,jpeg,gif,txt,log,csv,docx,xlsx,pptx,odt,ods,zip,eml,json",
)
# Storage quotas: what one record may hold, and what one person may upload in all.
ATTACHMENT_RECORD_QUOTA_BYTES = int(
    os.environ.get("ATTACHMENT_RECORD_QUOTA_BYTES", 50 * 1024 * 1024)
)
ATTACHMENT_USER_QUOTA_BYTES = int(os.environ.get("ATTACHMENT_USER_QUOTA_BYTES", 500 * 1024 * 1024))
# A request larger than this is refused from its Content-Length header, before its body is
# read: one attachment plus room for the form around it.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", ATTACHMENT_MAX_BYTES + 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

# Celery: eager in the embedded default, a real broker when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Countdowns must stay below this or Redis redelivers the message early (SECURITY.md T32).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"

REST_FRAMEWORK = {
    # Knox first: DRF takes the WWW-Authenticate challenge from the first class, and only
    # with a challenge do missing, expired and revoked credentials answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "itsm.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "itsm.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "itsm.api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "itsm.api.filters.StrictFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "itsm.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # DRF throttles read X-Forwarded-For unless told how many proxies to trust.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", 24 * 7))),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ITSM portal API",
    "DESCRIPTION": "Incidents, problems, changes and service requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Impact and urgency share one choice set; name it once instead of per field.
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "itsm.choices.Level",
        "IncidentStatusEnum": "incidents.choices.Status",
        "IncidentResolutionCodeEnum": "incidents.choices.ResolutionCode",
        "ProblemStatusEnum": "problems.choices.Status",
        "ProblemResolutionCodeEnum": "problems.choices.ResolutionCode",
        "TaskStatusEnum": "requests_app.choices.TaskStatus",
        "PostmortemStatusEnum": "postmortems.choices.Status",
        "ChangeStatusEnum": "changes.choices.Status",
        "ChangeChangeTypeEnum": "changes.choices.ChangeType",
        "ComponentStatusEnum": "statuspage.choices.ComponentStatus",
        "StatusImpactEnum": "statuspage.choices.Impact",
        "StatusUpdateStateEnum": "statuspage.choices.UpdateState",
    },
    # The schema maps every endpoint; only signed-in users may read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

PASSWORD_RESET_EMAILS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_EMAILS_PER_HOUR", 3))

# Throttles and reset limits live in the cache: share one (Redis) between web workers.
CACHE_URL = os.environ.get("CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Incident process settings.
INCIDENT_CONFIRMATION_WINDOW = timedelta(days=int(os.environ.get("INCIDENT_CONFIRM_DAYS", 5)))
# Changes: retrospective approval of an emergency change implemented before approval.
CHANGE_RETROSPECTIVE_HOURS = int(os.environ.get("CHANGE_RETROSPECTIVE_HOURS", 24))
# Changes: remind approvers of a step waiting this long; the implementer this long ahead.
CHANGE_APPROVAL_REMINDER_HOURS = int(os.environ.get("CHANGE_APPROVAL_REMINDER_HOURS", 24))
CHANGE_START_REMINDER_HOURS = int(os.environ.get("CHANGE_START_REMINDER_HOURS", 24))
# Changes: the CAB meets on this weekday (0 is Monday); its agenda covers this many days.
CHANGE_CAB_WEEKDAY = int(os.environ.get("CHANGE_CAB_WEEKDAY", 3))
CHANGE_CAB_HORIZON_DAYS = int(os.environ.get("CHANGE_CAB_HORIZON_DAYS", 14))
# Changes: a review counts incidents on the change's items this many days either side.
CHANGE_REVIEW_DAYS = int(os.environ.get("CHANGE_REVIEW_DAYS", 14))
# Days a fulfilled service request waits for its requester's confirmation before closing.
REQUEST_CONFIRMATION_DAYS = int(os.environ.get("REQUEST_CONFIRMATION_DAYS", 5))
SYSTEM_USERNAME = "system"

# The SLA job handles due records in batches (one transaction and a few queries each) and
# at most this many per run; what a run leaves stays due for the next one.
SLA_JOB_BATCH_SIZE = int(os.environ.get("SLA_JOB_BATCH_SIZE", 500))
SLA_JOB_MAX_RECORDS = int(os.environ.get("SLA_JOB_MAX_RECORDS", 5000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per task run drowns everything else (eager tasks log it too).
        "celery.app.trace": {"level": "WARNING"},
        # Lockouts reach the itsm.security log; axes' own per-request lines are noise.
        "axes": {"level": "WARNING"},
    },
}

# History is read-only in the admin: it can be viewed, never reverted.
SIMPLE_HISTORY_REVERT_DISABLED = True

CELERY_BEAT_SCHEDULE = {
    "incident-sla-check": {"task": "incidents.tasks.incident_sla_check", "schedule": 60.0},
    "incident-auto-close": {
        "task": "incidents.tasks.incident_auto_close",
        "schedule": crontab(hour=2, minute=15),
    },
    "change-retrospective-reminders": {
        "task": "changes.tasks.change_retrospective_reminders",
        "schedule": 3600.0,
    },
    "statuspage-maintenance-tick": {"task": "statuspage.tasks.maintenance_tick", "schedule": 60.0},
    "oncall-escalate": {"task": "oncall.tasks.oncall_escalate", "schedule": 60.0},
    "alerts-process-pending": {
        "task": "alerts.tasks.process_pending_alerts",
        "schedule": 60.0,
    },
    "postmortem-overdue-reminders": {
        "task": "postmortems.tasks.postmortem_overdue_reminders",
        "schedule": 3600.0,
    },
    "postmortem-action-item-reminders": {
        "task": "postmortems.tasks.postmortem_action_item_reminders",
        "schedule": 3600.0,
    },
    "postmortem-due-reminders": {
        "task": "postmortems.tasks.postmortem_due_reminders",
        "schedule": 3600.0,
    },
    "change-approval-reminders": {
        "task": "changes.tasks.change_approval_reminders",
        "schedule": 900.0,
    },
    "change-schedule-reminders": {
        "task": "changes.tasks.change_schedule_reminders",
        "schedule": 900.0,
    },
    "request-sla-check": {"task": "requests_app.tasks.request_sla_check", "schedule": 60.0},
    "request-auto-close": {
        "task": "requests_app.tasks.request_auto_close",
        "schedule": crontab(hour=2, minute=30),
    },
    "comms-update-cadence": {"task": "comms.tasks.update_cadence_check", "schedule": 60.0},
}

# Status page: how long a public page stays cached (a status change drops it at once) and
# how many subscription requests one client address or e-mail address may make an hour.
STATUSPAGE_CACHE_SECONDS = int(os.environ.get("STATUSPAGE_CACHE_SECONDS", 60))
STATUSPAGE_SUBSCRIBE_PER_HOUR = int(os.environ.get("STATUSPAGE_SUBSCRIBE_PER_HOUR", 5))

# How long the signed acknowledgement link in an on-call page works (seconds).
ONCALL_ACK_LINK_MAX_AGE = int(os.environ.get("ONCALL_ACK_LINK_MAX_AGE", 24 * 3600))

# Alerts from monitoring: body and batch caps of one delivery, how often processing is
# tried before the row waits for a replay, and flapping (N status changes in M minutes).
ALERTS_MAX_BODY_BYTES = int(os.environ.get("ALERTS_MAX_BODY_BYTES", 1024 * 1024))
ALERTS_MAX_BATCH = int(os.environ.get("ALERTS_MAX_BATCH", 500))
ALERTS_MAX_ATTEMPTS = int(os.environ.get("ALERTS_MAX_ATTEMPTS", 5))
ALERTS_FLAP_CHANGES = int(os.environ.get("ALERTS_FLAP_CHANGES", 4))
ALERTS_FLAP_MINUTES = int(os.environ.get("ALERTS_FLAP_MINUTES", 30))
ALERTS_RETRY_AFTER_SECONDS = 30

# Business days (Monday to Friday) after an incident's resolution its postmortem is due.
POSTMORTEM_DUE_BUSINESS_DAYS = int(os.environ.get("POSTMORTEM_DUE_BUSINESS_DAYS", 5))

# Stakeholder updates on a major incident: minutes between updates by priority (P1, P2);
# lower priorities keep the P2 interval. A missed interval reminds the communications lead.
COMMS_UPDATE_CADENCE_MINUTES = {
    1: int(os.environ.get("COMMS_CADENCE_P1_MINUTES", 30)),
    2: int(os.environ.get("COMMS_CADENCE_P2_MINUTES", 60)),
}
