"""Settings shared by every environment.

Everything that differs between machines is read from the environment (django-environ). With no
environment at all the platform runs on its *embedded default*: SQLite and a filesystem Celery
broker, both under ``var/``, so a fresh checkout needs no services to start.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Shared demo/reference data lives beside the project, never inside it.
SHARED_DATA_DIR = Path(env("SHARED_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "common",
    "accounts",
    "grids",
    "grievance",
    "mediation",
    "credit",
    "open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Per-request memo of the user's units, grid cells and workbenches (common/memo.py).
    "common.memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (templates use request.csp_nonce for inline blocks).
    "common.security.ContentSecurityPolicyMiddleware",
    # 400 for NUL characters in requests (PostgreSQL cannot take them; common/security.py).
    "common.security.NulCharacterMiddleware",
    # Last, as django-axes asks: it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite: web, worker and beat share one file. Wait for the writer lock instead of failing at once;
    # take it when a transaction starts (a deferred transaction that reads first and then writes gets
    # SQLITE_BUSY at once, without waiting, when another process writes); WAL lets readers go on while
    # one process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login lockout: 5 failures per username and address lock for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = "AnonymousUser"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Front-end packages are served straight from node_modules (installed by scripts/bootstrap.sh from
# package-lock.json, never committed), each under its own prefix: {% static "vendor/leaflet/leaflet.js" %}.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="60/min"),
        "login": env("THROTTLE_LOGIN", default="20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "District grievance platform API",
    "DESCRIPTION": "Complaints, routing, grids, mediation and credit. See API.md for the fixed contract.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_FS_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # "priority": a worker takes from the queues in the order of CELERY_TASK_QUEUES (urgent first).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "queue_order_strategy": "priority"}
else:
    CELERY_BROKER_URL = "filesystem://"
    for sub in ("out", "processed", "control"):
        (CELERY_FS_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FS_DIR / "out"),
        "data_folder_out": str(CELERY_FS_DIR / "out"),
        "data_folder_processed": str(CELERY_FS_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_FS_DIR / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
# Fail fast when the broker is down: requests must not hang; the outbox sweeper re-queues later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Two queues, consumed by every worker (no -Q needed): "urgent" holds the steps a citizen or a deadline
# waits on — routing a new complaint, the deadline tick and its chunks — and is always taken first;
# "celery" holds what follows a committed event (notifications, rollups, review scheduling), which
# may lag under a peak without delaying any dispatch. Each process reserves one message at a time, so
# an urgent message never waits behind a reserved batch of follow-ups (docs/benchmarks.md).
CELERY_TASK_QUEUES = (Queue("urgent"), Queue("celery"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "grievance.complaint_route": {"queue": "urgent"},
    "grievance.complaint_check_deadlines": {"queue": "urgent"},
    "grievance.complaint_check_deadlines_chunk": {"queue": "urgent"},
    "grievance.complaint_check_deadline_task": {"queue": "urgent"},
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "dashboard-rollups-catch-up": {
        "task": "grievance.dashboard_rollups_catch_up",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "dashboard-warnings-scan": {
        "task": "grievance.dashboard_warnings_scan",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    "mediation-reminders-sweep": {
        "task": "mediation.reminders_sweep",
        "schedule": env.float("MEDIATION_SWEEP_SECONDS", default=300.0),
        "options": {"expires": 290},
    },
    "credit-standing-refresh": {"task": "credit.standing_refresh_all", "schedule": 86400.0},
    "worker-heartbeat": {
        "task": "common.worker_heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=60.0),
    },
    # Outbox rule: the database holds the truth; these sweeps find what a lost task did not do.
    # ``expires`` drops a sweep that waited longer than its period (the next one does the same work).
    "complaint-check-deadlines": {
        "task": "grievance.complaint_check_deadlines",
        "schedule": env.float("DEADLINE_SWEEP_SECONDS", default=60.0),
        "options": {"expires": 55},
    },
    "complaint-sweep-stuck": {
        "task": "grievance.complaint_sweep_stuck",
        "schedule": env.float("STUCK_SWEEP_SECONDS", default=60.0),
        "options": {"expires": 55},
    },
    # Privacy: anonymise final complaints past GRIEVANCE["RETENTION_DAYS"] (daily, idempotent).
    "complaints-anonymise-expired": {
        "task": "grievance.complaints_anonymise_expired",
        "schedule": env.float("ANONYMISE_SWEEP_SECONDS", default=86400.0),
        "options": {"expires": 3600},
    },
    # Text routing: retrain nightly on the day's confirmed/corrected dispatches and returns; the new
    # version replaces the active one only if its cross-validated evaluation is not worse.
    "routing-model-train": {
        "task": "grievance.routing_model_train",
        "schedule": crontab(hour=env.int("ROUTING_TRAIN_HOUR", default=2), minute=30),
        "options": {"expires": 6 * 3600},
    },
}
# Task modules beyond the apps' ``tasks.py`` (autodiscovered).
CELERY_IMPORTS = ["grievance.tasks_privacy"]
# Workers log through Django's LOGGING (its personal-data filter included), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Workers reuse database connections instead of reconnecting around every task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

CACHES = {
    "default": (
        {
            # Fails open (common/cache.py): Redis down must not fail requests (throttles, grid index).
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# Seconds a process trusts its in-memory grid index before checking whether cells changed.
# Key for the searchable hash of citizen ID numbers (kept apart from SECRET_KEY so rotating that
# key does not make people unfindable). Set it in production.
CREDIT_ID_HASH_KEY = env("CREDIT_ID_HASH_KEY", default=SECRET_KEY)

GRID_INDEX_CHECK_SECONDS = env.float("GRID_INDEX_CHECK_SECONDS", default=5.0)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@grievance.local")

# Domain defaults that localities configure (DOMAIN.md: numbers are defaults, never constants).
GRIEVANCE = {
    "WORKING_HOURS": env.list("WORKING_HOURS", default=["08:30-12:00", "14:00-18:00"]),
    "WARNING_SHARE": env.float("WARNING_SHARE", default=0.75),
    # Text routing: a suggestion dispatches automatically only above this score and margin.
    "ROUTING_CONFIDENCE": env.float("ROUTING_CONFIDENCE", default=0.5),
    "ROUTING_MARGIN": env.float("ROUTING_MARGIN", default=0.05),
    # Duplicate detection at intake.
    "DUPLICATE_RADIUS_M": env.int("DUPLICATE_RADIUS_M", default=250),
    "DUPLICATE_TEXT_THRESHOLD": env.float("DUPLICATE_TEXT_THRESHOLD", default=0.2),
    # Uploads.
    "ATTACHMENT_MAX_BYTES": env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024),
    "ATTACHMENT_MAX_COUNT": env.int("ATTACHMENT_MAX_COUNT", default=30),
    # Operators may record the real call time this many days back.
    "RECEIVED_AT_MAX_DAYS": env.int("RECEIVED_AT_MAX_DAYS", default=7),
    # Satisfaction rate counts 基本满意 as satisfied (DOMAIN.md §2: configurable inclusion).
    "SATISFACTION_INCLUDES_BASIC": env.bool("SATISFACTION_INCLUDES_BASIC", default=True),
    # The psychological service centre's reply clock on a referral (natural hours).
    "PSYCH_REFERRAL_HOURS": env.int("PSYCH_REFERRAL_HOURS", default=2),
    # Seconds a process keeps the working-day calendar before re-reading it.
    "CALENDAR_CACHE_SECONDS": env.int("CALENDAR_CACHE_SECONDS", default=60),
    # Supervision ladder (DOMAIN.md §2): rung → working days after the handling deadline.
    # 2 催办 at the deadline, 3 催办通知书 the next working day, 4 书面督办, 5 通报/提级办理.
    "LADDER": {2: 0, 3: 1, 4: 3, 5: 5},
    # A per-complaint eta task is queued only for checks due within this horizon (kept well under the
    # broker's visibility timeout, after which Redis redelivers a held eta message); later checks are
    # the beat sweep's.
    "DEADLINE_ETA_HORIZON_SECONDS": env.int("DEADLINE_ETA_HORIZON_SECONDS", default=1800),
    # Complaints still ``submitted`` (and notifications still pending) this long are re-queued.
    "STUCK_AFTER_SECONDS": env.int("STUCK_AFTER_SECONDS", default=120),
    "SMS_BACKEND": env("SMS_BACKEND", default="grievance.notification_backends.LoggingSmsBackend"),
    # Notification kinds that staff with an e-mail address also receive by e-mail (written notices).
    "EMAIL_NOTIFICATION_KINDS": env.list(
        "EMAIL_NOTIFICATION_KINDS", default=["supervise_3", "supervise_4", "supervise_5"]
    ),
    "NOTIFICATION_MAX_ATTEMPTS": env.int("NOTIFICATION_MAX_ATTEMPTS", default=8),
    # Final complaints closed longer ago than this are anonymised (grievance.services.privacy).
    "RETENTION_DAYS": env.int("RETENTION_DAYS", default=1095),
}

# Open311 GeoReport v2 (open311/conf.py lists every key with its default).
OPEN311 = {
    "JURISDICTION_ID": env("OPEN311_JURISDICTION_ID", default="pingshan.sz.gov.cn"),
    "RATE_LIMIT_PER_MINUTE": env.int("OPEN311_RATE_LIMIT_PER_MINUTE", default=60),
    "WINDOW_DAYS": env.int("OPEN311_WINDOW_DAYS", default=90),
    "MAX_ITEMS": env.int("OPEN311_MAX_ITEMS", default=1000),
    "CONTACT": env("OPEN311_CONTACT", default="坪山区12345热线平台 Open311 对接：open311@pingshan.example"),
    "READ_REQUIRES_KEY": env.bool("OPEN311_READ_REQUIRES_KEY", default=False),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal data never reaches a log: phone and ID numbers are masked on every handler.
    "filters": {"personal_data": {"()": "common.privacy.PersonalDataLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
