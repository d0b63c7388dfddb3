"""The WSGI callable gunicorn runs behind deploy/serve.py's nginx.

It loads the application named in ``SERVE_APP`` (``module:callable``) and gives it the
client's address: gunicorn listens on a Unix socket, so ``REMOTE_ADDR`` would be empty and
every client would share one rate-limit bucket. nginx always sets ``X-Real-IP`` itself
(a client cannot supply it), from the peer or, for load balancers in ``TRUSTED_PROXIES``,
from ``X-Forwarded-For``.
"""

import importlib
import os
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def load(target: str) -> WSGIApp:
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"SERVE_APP must be module:callable, not {target!r}")
    app: WSGIApp = getattr(importlib.import_module(module_name), attribute)
    return app


_app = load(os.environ["SERVE_APP"])


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    real_ip = environ.pop("HTTP_X_REAL_IP", "")
    if real_ip:
        environ["REMOTE_ADDR"] = real_ip
    return _app(environ, start_response)
