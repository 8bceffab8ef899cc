"""Samla's one settings module. Everything that differs between machines comes from the environment.

SQLite by default; ``DATABASE_URL`` selects PostgreSQL. ``SAMLA_ENV=production`` turns on the
production checks: no start without ``SECRET_KEY``, never with ``DEBUG``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets Django's generic classes be subscripted at run time (admin.ModelAdmin[Model] and so on).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SAMLA_ENV = os.environ.get("SAMLA_ENV", "development")
PRODUCTION = SAMLA_ENV == "production"

# Off unless asked for (DEBUG=1; `make run` asks): a server whose SAMLA_ENV was forgotten shows
# Samla's own error pages, never Django's tracebacks and settings.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when SAMLA_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when SAMLA_ENV=production.")
# The access log's HMAC key. It must never change in production: old rows would stop verifying.
SAMLA_AUDIT_KEY = os.environ.get("SAMLA_AUDIT_KEY", "")
if PRODUCTION and not SAMLA_AUDIT_KEY:
    raise ImproperlyConfigured("SAMLA_AUDIT_KEY must be set when SAMLA_ENV=production.")
if not PRODUCTION and not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # Samla, lowest layer first (see docs/architecture.md).
    "samla.audit",
    "samla.organisations",
    "samla.accounts",
    "samla.notifications",
    "samla.people",
    "samla.activities",
    "samla.referrals",
    "samla.measurements",
    "samla.imports",
    "samla.plans",
    "samla.meetings",
    "samla.statistics",
    "samla.surveys",
    "samla.indicators",
    "samla.finance",
    "samla.reports",
    "samla.stories",
    "samla.oversight",
    "samla.retention",
    "samla.web",
    "samla.mysamla",
    "samla.demo",
    # Django and third parties.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samla.web.middleware.SecurityHeadersMiddleware",
    "samla.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samla.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "samla.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samla.accounts.middleware.PersonDoorMiddleware",
    # Last: sees the login view's own answer and keeps it (samla.accounts.lockout.same_answer).
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

FORM_RENDERER = "samla.web.forms.SamlaFormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                # The demo logins on the login page when SAMLA_DEMO is on.
                "samla.demo.context_processors.demo_logins",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connection reuse (docs/deployment.md): a gunicorn thread keeps its connection for a
        # minute in production, checked before each request; 0 (a connection per request) else.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # What Samla asks of PostgreSQL on every connection (docs/deployment.md): JIT off (its
    # compile time made Samla's pages 1.2-1.6 times slower, issue 17) and a statement timeout,
    # so a runaway query ends with an error instead of holding a worker and its locks.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        f"-c jit=off -c statement_timeout={env_int('SAMLA_PG_STATEMENT_TIMEOUT_MS', 30_000)}",
    )
    # Parameters sent apart from the SQL, so that psycopg prepares a statement a connection has
    # run a few times and PostgreSQL plans it once (ADR 0020, proposed): planning is most of the
    # database's time on the start page. Off until the two things the ADR names are done.
    DATABASES["default"]["OPTIONS"].setdefault(
        "server_side_binding", env_bool("SAMLA_PG_SERVER_SIDE_BINDING", default=False)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        }
    )
# A PostgreSQL streaming replica for heavy reads: the dashboards, their exports and the reports'
# figures (samla/replica.py, docs/deployment.md). Empty: none, every read goes to the primary.
# Writes, audit rows and every read inside a transaction go to the primary whatever this says.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")


def replica_database(url: str, primary: dj_database_url.DBConfig) -> dj_database_url.DBConfig:
    """The replica's connection: its own address, the primary's reuse and session settings."""
    replica = dj_database_url.parse(
        url, conn_max_age=primary.get("CONN_MAX_AGE", 0), conn_health_checks=True
    )
    if "options" in primary.get("OPTIONS", {}):  # JIT off and the statement timeout
        replica.setdefault("OPTIONS", {})["options"] = primary["OPTIONS"]["options"]
    replica["TEST"] = {"MIRROR": "default"}  # tests read the test database through it
    return replica


if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
DATABASE_ROUTERS = ["samla.replica.ReplicaRouter"]

# Every app server shares one cache, in the database (issue 17): the one thing cached is the count
# of a survey round's answers per address (samla/surveys/once.py), which must be counted across
# all servers. Its table is made by a migration (surveys 0003), so every `migrate` makes it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "samla_cache",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out client before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "samla.accounts.backends.UserBackend",
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

# Sessions end after this many seconds without a request (the cookie is renewed on each one).
SESSION_COOKIE_AGE = env_int("SAMLA_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The demo (make run) shows its logins on the login page and skips the second factor.
SAMLA_DEMO = env_bool("SAMLA_DEMO", default=False)
if PRODUCTION and SAMLA_DEMO:
    raise ImproperlyConfigured("SAMLA_DEMO cannot be on when SAMLA_ENV=production.")
# Second factor: every staff user must enrol a TOTP device when this is on.
SAMLA_REQUIRE_MFA = env_bool("SAMLA_REQUIRE_MFA", default=not SAMLA_DEMO)
OTP_TOTP_ISSUER = "Samla"
# Lock-out (django-axes, samla.accounts.lockout): this many failed logins or codes for one user
# name from one client lock that pair out for this many seconds. Another client, the one-time
# link and the administrator's unlock still get the owner in, so a stranger cannot lock anyone
# out by name. The answer while locked is the same as for a wrong password.
SAMLA_LOGIN_MAX_FAILURES = env_int("SAMLA_LOGIN_MAX_FAILURES", 5)
SAMLA_LOGIN_LOCKOUT_SECONDS = env_int("SAMLA_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# One client may fail this many times in that window, whatever names it tries, before every
# login and code from it is refused (a script guessing across names).
SAMLA_LOGIN_CLIENT_MAX_FAILURES = env_int("SAMLA_LOGIN_CLIENT_MAX_FAILURES", 30)
AXES_FAILURE_LIMIT = "samla.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "samla.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "samla.accounts.http.client_address"
AXES_USERNAME_CALLABLE = "samla.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "samla.accounts.lockout.same_answer"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # Samla's own audit log records every login (samla.audit).
AXES_VERBOSE = False
# What axes keeps of a failed attempt's form: never the password, the code or the CSRF token.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "otp_token",
    "csrfmiddlewaretoken",
]
# e-ID through OpenID Connect (ADR 0014): SAMLA_OIDC_PROVIDERS=eid,siths names the providers, each
# configured by SAMLA_OIDC_<NAME>_*: ISSUER and CLIENT_ID; PRIVATE_KEY_FILE (a JWK or PEM, for
# private_key_jwt, preferred) or CLIENT_SECRET; KIND, "citizen" (personnummer/samordningsnummer)
# or "siths" (HSA-id); MIN_ACR, the lowest assurance level accepted; LABEL, the button's text.
# None named: the login page offers no e-ID.
OIDC_KINDS = {
    "citizen": "http://id.elegnamnden.se/loa/1.0/loa3",
    "siths": "http://id.sambi.se/loa/loa3",
}


def oidc_providers(environ: dict[str, str] | os._Environ[str]) -> dict[str, dict[str, str]]:
    """The providers the environment names, each as a dict of its settings in lower case."""
    providers: dict[str, dict[str, str]] = {}
    for name in (n.strip().lower() for n in environ.get("SAMLA_OIDC_PROVIDERS", "").split(",")):
        if not name:
            continue
        if not name.isascii() or not name.isalnum():
            raise ImproperlyConfigured(f"SAMLA_OIDC_PROVIDERS: {name!r} is not letters and digits.")
        prefix = f"SAMLA_OIDC_{name.upper()}_"

        def value(key: str, default: str = "", prefix: str = prefix) -> str:
            return environ.get(prefix + key, default).strip()

        kind = value("KIND", "citizen")
        if kind not in OIDC_KINDS:
            raise ImproperlyConfigured(f"{prefix}KIND must be one of {', '.join(OIDC_KINDS)}.")
        provider = {
            "issuer": value("ISSUER").rstrip("/"),
            "client_id": value("CLIENT_ID"),
            "client_secret": value("CLIENT_SECRET"),
            "private_key_file": value("PRIVATE_KEY_FILE"),
            "kind": kind,
            "min_acr": value("MIN_ACR", OIDC_KINDS[kind]),
            "label": value("LABEL"),
        }
        if not provider["issuer"] or not provider["client_id"]:
            raise ImproperlyConfigured(f"{prefix}ISSUER and {prefix}CLIENT_ID must be set.")
        if not provider["client_secret"] and not provider["private_key_file"]:
            raise ImproperlyConfigured(
                f"{prefix}PRIVATE_KEY_FILE or {prefix}CLIENT_SECRET must be set."
            )
        if PRODUCTION and not provider["issuer"].startswith("https://"):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// address.")
        providers[name] = provider
    return providers


SAMLA_OIDC_PROVIDERS = oidc_providers(os.environ)
# A one-time link, made by the organisation administrator, is how a new user chooses a
# password and enrols the second factor, and how a user who lost either gets back in.
SAMLA_ONE_TIME_LINK_HOURS = env_int("SAMLA_ONE_TIME_LINK_HOURS", 72)
# A person signed in to Min Samla is signed out after this many minutes without a request.
SAMLA_PERSON_IDLE_MINUTES = env_int("SAMLA_PERSON_IDLE_MINUTES", 15)
# How long a person's e-ID signature of an approval, a withdrawal or a consent may take, from
# pressing the button to the provider's answer.
SAMLA_PERSON_SIGN_MINUTES = env_int("SAMLA_PERSON_SIGN_MINUTES", 10)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("SAMLA_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Static files are served by WhiteNoise, in Samla's own process (ADR 0016). In production, and
# under `make run`, from `collectstatic`'s output with hashed names, compressed and cached for a
# year (SAMLA_STATIC_MANIFEST); elsewhere (tests, `make dev`) straight from the sources.
SAMLA_STATIC_MANIFEST = env_bool("SAMLA_STATIC_MANIFEST", default=PRODUCTION)
# Uploads (import and actuals files) and generated PDFs are kept in the database, so no app
# server writes a file another must read. Should a file ever be stored, the default storage
# writes here: a volume every app server and worker mounts (docs/deployment.md).
MEDIA_ROOT = Path(os.environ.get("SAMLA_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if SAMLA_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not SAMLA_STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {"BACKEND": os.environ.get("SAMLA_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samla <noreply@samla.invalid>")
# The site's address: every link in a notice, a calendar file or a survey invitation points here
# (samla.notifications.links), never at the host of the request that caused it. `make run` sets it
# for the demo; production refuses to start without an https:// address, and so does the system
# check whenever DEBUG is off.
SAMLA_BASE_URL = os.environ.get("SAMLA_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not SAMLA_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "SAMLA_BASE_URL must be set to the site's https:// address when SAMLA_ENV=production."
    )
# The daily run (manage.py run_scheduler): when, and what it calls, by dotted path.
SAMLA_DAILY_RUN_AT = os.environ.get("SAMLA_DAILY_RUN_AT", "07:00")
# How often the scheduler seals the access log's new events into its hash chain (ADR 0017): the
# longest an event waits, while the scheduler runs, before a removal of it would show.
SAMLA_AUDIT_SEAL_SECONDS = float(os.environ.get("SAMLA_AUDIT_SEAL_SECONDS", "5"))
# What the scheduler runs at the same pace, by dotted path, in its own process: the dashboards'
# rollup takes what changed since (issue 17 item 2), so the figures lag the data by a few seconds
# at most while the scheduler runs (a dashboard also refreshes a few hundred people itself).
SAMLA_FREQUENT_TASKS: list[str] = ["samla.indicators.rollups.refresh"]
# Where the daily run writes the access log's signed checkpoints (samla/audit/checkpoints.py): a
# file on another disk or machine than the database, so that a log cut short or wiped together
# with its chain head shows. Empty: no checkpoints (verify_audit says so).
SAMLA_AUDIT_CHECKPOINT_FILE = os.environ.get("SAMLA_AUDIT_CHECKPOINT_FILE", "")
SAMLA_DAILY_TASKS: list[str] = [
    "samla.plans.reminders.send_due_reminders",
    "samla.meetings.reminders.send_answer_reminders",
    "samla.referrals.reminders.withdraw_after_expired_consents",
    "samla.referrals.reminders.lapse_offers",
    "samla.referrals.reminders.offer_waiting_places",
    "samla.referrals.reminders.flag_unanswered",
    "samla.measurements.reminders.send_follow_up_reminders",
    # Gallring: each organisation's preview of who is due, culled at once where it so chose.
    "samla.retention.actions.preview_every_organisation",
    # Last: a new release of every association's statistics (ADR 0012), with today's changes,
    "samla.indicators.actions.release_every_association",
    # and the access log's signed checkpoint, after the day's last events.
    "samla.audit.checkpoints.write_checkpoint",
]
# Everything Samla publishes of an association's statistics, by dotted path: each records its
# figures, with the people behind them, for a release (samla.indicators.releases, ADR 0012).
SAMLA_PUBLICATIONS: list[str] = [
    "samla.indicators.publication.record_dashboards",
    "samla.reports.publication.record_reports",
    "samla.finance.publication.record_costs",
]
# What a consent's withdrawal reaches beyond people's own records: each is called, by dotted
# path, with the withdrawn consent inside the withdrawal's transaction
# (samla.people.actions.withdraw_consent), so the apps below people need not be imported there.
SAMLA_CONSENT_WITHDRAWN: list[str] = [
    "samla.referrals.actions.withdraw_after_consent",
]
# Referrals: a provider that has not answered a referral within this many days is flagged to both
# sides; a place offered from the waitlist must be answered within this many days.
SAMLA_REFERRAL_ANSWER_DAYS = env_int("SAMLA_REFERRAL_ANSWER_DAYS", 10)
SAMLA_WAITLIST_OFFER_DAYS = env_int("SAMLA_WAITLIST_OFFER_DAYS", 5)
# Answers one network address may give one survey round in an hour (ADR 0011): high enough for a
# staff meeting behind one address, low enough to stop a script.
SAMLA_SURVEY_ANSWERS_PER_ADDRESS_HOUR = env_int("SAMLA_SURVEY_ANSWERS_PER_ADDRESS_HOUR", 50)
# How many reverse proxies in front of Samla append to X-Forwarded-For: the client's address is
# the one the outermost of them saw (samla.accounts.http.client_address). 0: none, REMOTE_ADDR is
# the client. Production behind one proxy sets 1; otherwise every visitor has the proxy's address.
SAMLA_TRUSTED_PROXIES = env_int("SAMLA_TRUSTED_PROXIES", 1 if PRODUCTION else 0)
# Digital meetings: each gets its own room at this address ({token} is random, says nothing of
# the person). Samla calls no video service; the room is whatever the pattern points at.
SAMLA_MEETING_ROOM_URL_PATTERN = os.environ.get(
    "SAMLA_MEETING_ROOM_URL_PATTERN", "https://mote.example.se/samla-{token}"
)

# Security headers. samla.web.middleware sets the Content-Security-Policy (no inline script/style).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SAMLA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard error (journald under systemd, docs/operations.md), each line with the id
# of the request being served (samla.web.logs). In production one JSON object per line
# (SAMLA_LOG_JSON); gunicorn's own logs follow the same setting (config/gunicorn.py).
SAMLA_LOG_JSON = env_bool("SAMLA_LOG_JSON", default=PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samla.web.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "samla.web.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if SAMLA_LOG_JSON else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
