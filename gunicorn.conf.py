"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` from this folder.

Command-line options override these (e.g. `--bind 0.0.0.0:8000`, `--workers 4`);
WEB_CONCURRENCY sets the number of workers too. The portal's own settings come from
KMPORTAL_* variables (KMPORTAL_INSTANCE_PATH, KMPORTAL_DATABASE_URL, …).
"""

from kmportal.serving import default_workers

wsgi_app = "wsgi:app"
# Behind a reverse proxy (nginx, Apache) on the same host; pass --bind to listen elsewhere.
bind = ["127.0.0.1:8000"]
workers = default_workers()
worker_class = "sync"
# A request that takes longer is killed and its worker replaced; exports and reports of the
# whole plan stay well below it.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (jitter: not all at once), which bounds slow memory growth.
max_requests = 2000
max_requests_jitter = 200
# The app is created in each worker (no preload): every worker opens its own database pool.
preload_app = False
# Access log: one JSON object per line on stdout; errors on stderr.
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "kmportal.serving.JsonAccessLogger"
# Only these addresses may set X-Forwarded-* (the local reverse proxy).
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "kmportal"
