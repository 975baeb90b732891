"""Behind a reverse proxy: trust its X-Forwarded-* headers, as many hops as configured.

PROXY_FIX_X_FOR, PROXY_FIX_X_PROTO, PROXY_FIX_X_HOST, PROXY_FIX_X_PORT and PROXY_FIX_X_PREFIX
(environment: KMPORTAL_PROXY_FIX_X_FOR=1 …) are the numbers of proxies to trust for each
header; all 0 (the default) trusts none, so a client cannot fake its address.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = ("for", "proto", "host", "port", "prefix")


def init_app(app: Flask) -> None:
    hops = {name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}") or 0) for name in HEADERS}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{name}": n for name, n in hops.items()})
