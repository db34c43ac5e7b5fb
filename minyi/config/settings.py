"""Minyi settings. Every setting is declared once here, with its default; MINYI_* variables override."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from minyi.config import env
from minyi.config.databases import database_from_url

BASE_DIR = env.BASE_DIR
# Embedded database, huey queue, static and media files; `minyi` points this at ./var of its working directory.
VAR_DIR = env.directory("MINYI_VAR_DIR", env.BASE_DIR / "var")

SECRET_KEY = env.text("MINYI_SECRET_KEY", "insecure-demo-key-change-me-in-production-0123456789")
DEBUG = env.flag("MINYI_DEBUG", False)
ALLOWED_HOSTS = env.items("MINYI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env.items("MINYI_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "minyi.core.admin_site.MinyiAdminConfig",  # django.contrib.admin, opened to scoped administrators
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "treebeard",
    "huey.contrib.djhuey",
    "ninja",
    "minyi.core",
    "minyi.ballots",
    "minyi.surveys",
    "minyi.deliberation",
    "minyi.voices",
    "minyi.projects",
    "minyi.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minyi.core.middleware.ChineseFirstMiddleware",  # pages ignore Accept-Language: zh-Hans unless chosen
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "minyi.config.urls"
WSGI_APPLICATION = "minyi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minyi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minyi.core.context.site",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env.text("MINYI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'minyi.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Person"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "portal:home"
# Login throttling: failures per (username, client address) within the window lock that pair out.
MINYI_LOGIN_MAX_FAILURES = env.integer("MINYI_LOGIN_MAX_FAILURES", 5)
MINYI_LOGIN_LOCK_MINUTES = env.integer("MINYI_LOGIN_LOCK_MINUTES", 15)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.flag("MINYI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env.flag("MINYI_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "minyi" / "locale"]
TIME_ZONE = env.text("MINYI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package.json + package-lock.json); only their built files are served.
STATICFILES_DIRS = [
    BASE_DIR / "minyi" / "static",  # the hand-written CSS and JS shared by every app
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.text("MINYI_MEDIA_ROOT", str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MINYI_UPLOAD_MAX_BYTES = env.integer("MINYI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Decoded size limit for uploaded images (width × height × frames): a small file must not inflate to gigabytes.
MINYI_UPLOAD_MAX_PIXELS = env.integer("MINYI_UPLOAD_MAX_PIXELS", 40_000_000)

# Background work: Huey on SQLite embedded, Redis when MINYI_REDIS_URL is set.
MINYI_REDIS_URL = env.text("MINYI_REDIS_URL", "")
HUEY = (
    {"huey_class": "huey.RedisHuey", "name": "minyi", "url": MINYI_REDIS_URL, "immediate": False}
    if MINYI_REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "minyi",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env.flag("MINYI_HUEY_IMMEDIATE", False),
    }
)

EMAIL_BACKEND = env.text("MINYI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.text("MINYI_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("MINYI_EMAIL_PORT", 25)
EMAIL_HOST_USER = env.text("MINYI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.text("MINYI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.flag("MINYI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env.text("MINYI_EMAIL_FROM", "民意平台 <noreply@minyi.local>")

# Pluggable SMS and WeChat senders (dotted paths); the logging backend writes to the log only.
MINYI_SMS_BACKEND = env.text("MINYI_SMS_BACKEND", "minyi.core.notify.backends.LoggingBackend")
MINYI_WECHAT_BACKEND = env.text("MINYI_WECHAT_BACKEND", "minyi.core.notify.backends.LoggingBackend")
# Hour of day (local time) at which the daily digest is sent.
MINYI_DIGEST_HOUR = env.integer("MINYI_DIGEST_HOUR", 8)

# Public record: key that signs checkpoints over all chain heads, and how often checkpoints are made.
MINYI_AUDIT_KEY = env.text("MINYI_AUDIT_KEY", SECRET_KEY)
MINYI_CHECKPOINT_MINUTES = env.integer("MINYI_CHECKPOINT_MINUTES", 60)
# How often the process-engine sweep applies overdue rules.
MINYI_SWEEP_MINUTES = env.integer("MINYI_SWEEP_MINUTES", 10)

# Voices (V2): how many times an unsatisfied submitter may reopen an item.
MINYI_VOICE_MAX_REOPEN = env.integer("MINYI_VOICE_MAX_REOPEN", 1)
# Open311 GeoReport v2: the jurisdiction_id clients may send (any other is a 404; omitting it is fine).
MINYI_OPEN311_JURISDICTION_ID = env.text("MINYI_OPEN311_JURISDICTION_ID", "minyi.local")
# Bulk imports: largest file accepted, and most rows in one file.
MINYI_IMPORT_MAX_BYTES = env.integer("MINYI_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MINYI_IMPORT_MAX_ROWS = env.integer("MINYI_IMPORT_MAX_ROWS", 50_000)

# Deliberation (D3, seed 000 金沙社区居民议事厅): regular council meetings on this day of every month;
# moved to the next working day when that day is a holiday or weekend if SHIFT is on (off: the seed
# meets on the 15th whatever the day); quorum as a share of members (default more than half); how long
# a sign-in QR code stays valid.
MINYI_COUNCIL_MEETING_DAY = env.integer("MINYI_COUNCIL_MEETING_DAY", 15)
MINYI_COUNCIL_MEETING_SHIFT_TO_WORKDAY = env.flag("MINYI_COUNCIL_MEETING_SHIFT_TO_WORKDAY", False)
MINYI_COUNCIL_MEETING_TIME = env.text("MINYI_COUNCIL_MEETING_TIME", "09:00")
MINYI_COUNCIL_QUORUM_NUMERATOR = env.integer("MINYI_COUNCIL_QUORUM_NUMERATOR", 1)
MINYI_COUNCIL_QUORUM_DENOMINATOR = env.integer("MINYI_COUNCIL_QUORUM_DENOMINATOR", 2)
MINYI_COUNCIL_QUORUM_STRICT = env.flag("MINYI_COUNCIL_QUORUM_STRICT", True)
MINYI_MEETING_SIGN_IN_MINUTES = env.integer("MINYI_MEETING_SIGN_IN_MINUTES", 120)
# How a council's vote on a topic is decided: a key of minyi.ballots.schemas.MAJORITY_PRESETS.
MINYI_COUNCIL_VOTE_RULE = env.text("MINYI_COUNCIL_VOTE_RULE", "half_of_present")
# Secret ballots wait sealed (encrypted) in a pending pool until the poll closes, then are written to the
# ballot table in one shuffled batch, so no row order links a ballot to its voter. A batch size N > 0
# also flushes every N ballots while open (the anonymity set while open is then N; never use 1). The
# pool is sealed with this key (default: the secret key); changing it while a poll is open blocks closing.
MINYI_BALLOT_BATCH_SIZE = env.integer("MINYI_BALLOT_BATCH_SIZE", 0)
MINYI_BALLOT_POOL_KEY = env.text("MINYI_BALLOT_POOL_KEY", "")
# Voices intake (V1): longest text of an item, photos per item, and throttling of tracking look-ups
# (failed look-ups per client address within the window before further look-ups are refused).
MINYI_VOICE_CONTENT_MAX = env.integer("MINYI_VOICE_CONTENT_MAX", 4000)
MINYI_VOICE_MAX_PHOTOS = env.integer("MINYI_VOICE_MAX_PHOTOS", 9)
MINYI_VOICE_TRACK_MAX_FAILURES = env.integer("MINYI_VOICE_TRACK_MAX_FAILURES", 10)
MINYI_VOICE_TRACK_LOCK_MINUTES = env.integer("MINYI_VOICE_TRACK_LOCK_MINUTES", 15)
# Voices search and insights (I3, V7): results per page and most query words used; likely duplicates
# shown on intake need this token-set similarity (percent) among at most this many full-text candidates;
# hot spots group open items at this similarity (percent) and show clusters of at least this many items.
MINYI_VOICE_SEARCH_PAGE_SIZE = env.integer("MINYI_VOICE_SEARCH_PAGE_SIZE", 20)
MINYI_VOICE_SEARCH_MAX_TERMS = env.integer("MINYI_VOICE_SEARCH_MAX_TERMS", 12)
# Search ranks the newest this-many matches of the query (a common word matches tens of thousands);
# the results page then offers the older ones (检索更早的事项), so every match stays reachable.
MINYI_VOICE_SEARCH_CANDIDATES = env.integer("MINYI_VOICE_SEARCH_CANDIDATES", 300)
# …found in windows of this many item ids from the newest back, each four times the last.
MINYI_VOICE_SEARCH_WINDOW = env.integer("MINYI_VOICE_SEARCH_WINDOW", 50_000)
MINYI_VOICE_SIMILAR_MIN_PERCENT = env.integer("MINYI_VOICE_SIMILAR_MIN_PERCENT", 30)
MINYI_VOICE_SIMILAR_CANDIDATES = env.integer("MINYI_VOICE_SIMILAR_CANDIDATES", 200)
MINYI_VOICE_HOTSPOT_MIN_PERCENT = env.integer("MINYI_VOICE_HOTSPOT_MIN_PERCENT", 35)
MINYI_VOICE_HOTSPOT_MIN_ITEMS = env.integer("MINYI_VOICE_HOTSPOT_MIN_ITEMS", 2)
MINYI_VOICE_HOTSPOT_MAX_ITEMS = env.integer("MINYI_VOICE_HOTSPOT_MAX_ITEMS", 5000)

# Projects P3/P5/P6 (delivery helper). Problems filed on a project (民呼我督) become voices of this
# category (a voices Category code; the deployment creates it). Villagers' assembly (村民委员会组织法
# 第二十二条): more than half of the adult villagers present, decisions by more than half of those
# present. Special fund screening (seed 003 武鸣区): relative weights of the three principles.
MINYI_DELIVERY_PROBLEM_CATEGORY = env.text("MINYI_DELIVERY_PROBLEM_CATEGORY", "project_supervision")
MINYI_VILLAGE_ASSEMBLY_QUORUM_NUMERATOR = env.integer("MINYI_VILLAGE_ASSEMBLY_QUORUM_NUMERATOR", 1)
MINYI_VILLAGE_ASSEMBLY_QUORUM_DENOMINATOR = env.integer("MINYI_VILLAGE_ASSEMBLY_QUORUM_DENOMINATOR", 2)
MINYI_VILLAGE_ASSEMBLY_QUORUM_STRICT = env.flag("MINYI_VILLAGE_ASSEMBLY_QUORUM_STRICT", True)
MINYI_VILLAGE_DECISION_RULE = env.text("MINYI_VILLAGE_DECISION_RULE", "half_of_present")
MINYI_FUND_WEIGHT_LIVELIHOOD = env.integer("MINYI_FUND_WEIGHT_LIVELIHOOD", 40)
MINYI_FUND_WEIGHT_WITHIN_YEAR = env.integer("MINYI_FUND_WEIGHT_WITHIN_YEAR", 30)
MINYI_FUND_WEIGHT_FAIRNESS = env.integer("MINYI_FUND_WEIGHT_FAIRNESS", 30)
# Surveys (P4): longest open-text answer; effect evaluation of a project opens this many days after
# it is put into use (the seed's "投入使用一段时间后": a livelihood project's completion, i.e. its last
# milestone's actual end; a self-build round's acceptance), at this hour; grade bands of the weighted
# satisfaction rate in % (as in appraisals, E3): at least SATISFIED 满意, at least BASIC 基本满意,
# otherwise 不满意. Relative weights of a livelihood project's respondent groups (seed 003: 群众代表 of
# the project's place and the deputies of the round's level).
MINYI_SURVEY_TEXT_MAX = env.integer("MINYI_SURVEY_TEXT_MAX", 2000)
MINYI_SURVEY_OPEN_HOUR = env.integer("MINYI_SURVEY_OPEN_HOUR", 7)
MINYI_EFFECT_EVALUATION_DELAY_DAYS = env.integer("MINYI_EFFECT_EVALUATION_DELAY_DAYS", 180)
# The daily effect task closes an evaluation's survey this many days after it opened (0: staff close it).
MINYI_EFFECT_SURVEY_DAYS = env.integer("MINYI_EFFECT_SURVEY_DAYS", 30)
MINYI_EFFECT_GRADE_SATISFIED = env.integer("MINYI_EFFECT_GRADE_SATISFIED", 80)
MINYI_EFFECT_GRADE_BASIC = env.integer("MINYI_EFFECT_GRADE_BASIC", 60)
MINYI_EFFECT_WEIGHT_RESIDENT_REPS = env.integer("MINYI_EFFECT_WEIGHT_RESIDENT_REPS", 50)
MINYI_EFFECT_WEIGHT_DEPUTIES = env.integer("MINYI_EFFECT_WEIGHT_DEPUTIES", 50)

MINYI_SITE_NAME = env.text("MINYI_SITE_NAME", "示范市民意平台")
# Public address of the site, used to make absolute links in emails and SMS.
MINYI_SITE_URL = env.text("MINYI_SITE_URL", "http://127.0.0.1:8000")
MINYI_API_PAGE_SIZE = env.integer("MINYI_API_PAGE_SIZE", 50)
# API tokens: longest lifetime a person may choose, how many live tokens one person may hold, and how
# stale `last_used_at` may get before a request refreshes it (one write per interval, not per request).
MINYI_API_TOKEN_MAX_DAYS = env.integer("MINYI_API_TOKEN_MAX_DAYS", 365)
MINYI_API_TOKEN_MAX_PER_PERSON = env.integer("MINYI_API_TOKEN_MAX_PER_PERSON", 20)
MINYI_API_TOKEN_TOUCH_SECONDS = env.integer("MINYI_API_TOKEN_TOUCH_SECONDS", 60)
# Rows shown in each list of the public portal's home page (publicity board, stations, deputies).
MINYI_PORTAL_LIST_SIZE = env.integer("MINYI_PORTAL_LIST_SIZE", 20)
# Long public lists (publicity board, showcase) count at most this many rows for their pager.
MINYI_LIST_COUNT_CAP = env.integer("MINYI_LIST_COUNT_CAP", 10_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("MINYI_LOG_LEVEL", "WARNING")},
    "loggers": {"minyi": {"handlers": ["console"], "level": env.text("MINYI_LOG_LEVEL", "INFO"), "propagate": False}},
}
