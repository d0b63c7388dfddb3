"""What every HTTP benchmark here shares: ``wrk`` driven by a Lua script (random paths,
unique bodies, the figures written as JSON), a request checked by hand before it is
measured, SQL per request counted in-process, and an admin session that has given its
second factor."""

import json
import random
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

WRK_SCRIPT = """
local paths = {%(paths)s}
local method = "%(method)s"
local headers = {%(headers)s}
local body_template = %(body)s
local counter = 0
local threads = {}
-- Each thread's number, a global of its own Lua state (set from the main state): a
-- chunk-level "local tid" would shadow it, and every thread would write the same bodies.
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  math.randomseed(os.time() + (tid or 0))
end
function request()
  counter = counter + 1
  local path = paths[math.random(#paths)]
  local body = nil
  if body_template ~= nil then
    body = string.gsub(body_template, "{n}", string.format("%%d-%%d-%%d", os.time(), tid, counter))
  end
  return wrk.format(method, path, headers, body)
end
function done(summary, latency, requests)
  local f = io.open("%(out)s", "w")
  f:write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, '
    .. '"errors": %%d, "bad_status": %%d}',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  f:close()
end
"""


@dataclass
class Request:
    method: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class Figures:
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0
    bad_status: int = 0
    queries: int | None = None


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def run_wrk(base: str, request: Request, connections: int, seconds: float, tmp: Path) -> dict:
    out = tmp / f"wrk-{random.random()}.json"
    script = tmp / "script.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(lua_string(p) for p in request.paths),
            "method": request.method,
            "headers": ", ".join(
                f"[{lua_string(k)}] = {lua_string(v)}" for k, v in request.headers.items()
            ),
            "body": lua_string(request.body) if request.body is not None else "nil",
            "out": out,
        }
    )
    threads = min(2, connections)
    subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
    )
    result = json.loads(out.read_text())
    result["rps"] = result["requests"] / result["seconds"]
    return result


def check(base: str, request: Request) -> None:
    """One request by hand: a scenario that redirects or fails measures nothing."""
    unique = f"c{random.randrange(10**9)}"
    body = request.body.replace("{n}", unique).encode() if request.body else None
    req = urllib.request.Request(
        base + request.paths[0], data=body, method=request.method, headers=request.headers
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            status = response.status
            final = response.url
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{request.method} {base}{request.paths[0]} answered {exc.code}") from exc
    if status >= 300 or final != base + request.paths[0]:
        raise SystemExit(f"{request.method} {base}{request.paths[0]} answered {status} at {final}")


def product_queries(client: Client, request: Request) -> int:
    """SQL per request, counted in-process on the same settings (the server runs DEBUG
    off and cannot count)."""
    kwargs = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
    call = client.post if request.method == "POST" else client.get
    extra = (
        {"data": request.body.replace("{n}", "q"), "content_type": "application/json"}
        if request.body
        else {}
    )
    call(request.paths[0], **extra, **kwargs)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = call(request.paths[-1], **extra, **kwargs)
    assert response.status_code < 300, (
        request.paths[-1],
        response.status_code,
        response.content[:300],
    )
    return len(queries)


def verified_session(user: object) -> str:
    """A session cookie value for ``user`` that has given its second factor, as after the
    code page (docs/operations.md#second-factor), so a superuser's admin pages answer."""
    from django_otp import DEVICE_ID_SESSION_KEY  # needs the apps loaded
    from django_otp.plugins.otp_totp.models import TOTPDevice

    browser = Client()
    browser.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    verified = browser.session
    verified[DEVICE_ID_SESSION_KEY] = device.persistent_id
    verified.save()
    return browser.cookies["sessionid"].value
