"""gunicorn's settings for Samla (ADR 0016): `gunicorn -c config/gunicorn.py config.wsgi`.

Threaded workers: Samla's requests wait on PostgreSQL and on WeasyPrint far more than they
compute, and a thread keeps its database connection between requests (CONN_MAX_AGE). Everything
can be overridden from the environment (GUNICORN_CMD_ARGS, or the variables below).
"""

import multiprocessing
import os

bind = os.environ.get("SAMLA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() + 1)))
worker_class = "gthread"
threads = int(os.environ.get("SAMLA_THREADS", 4))
# A PDF of a long access extract or an annual report may take a while; a stuck request may not.
timeout = int(os.environ.get("SAMLA_REQUEST_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Behind a reverse proxy on the same machine (SAMLA_TRUSTED_PROXIES decides what Samla believes
# of X-Forwarded-For; gunicorn only needs to accept the proxy's scheme header).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No query strings in the access log: a search may be a name or a personnummer. The last field is
# the request's id (the X-Request-ID Samla answers with), as in Samla's own log lines.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
# In production (or with SAMLA_LOG_JSON=1) one JSON object per line, as config/settings.py logs
# Samla's own lines: samla.web.logs.JsonFormatter takes the access log's fields from gunicorn's
# atoms, the client's address left out.
_production = os.environ.get("SAMLA_ENV") == "production"
if os.environ.get("SAMLA_LOG_JSON", "1" if _production else "0").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}:
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
        "handlers": {
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "formatters": {"json": {"()": "samla.web.logs.JsonFormatter"}},
    }
# gunicorn's control interface (gunicornc) is not used: without this every gunicorn of one user
# would share one socket path in the home directory.
control_socket_disable = True
max_requests = 2000
max_requests_jitter = 200
