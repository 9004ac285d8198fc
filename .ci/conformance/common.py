"""What the Python checkers of the conformance stage share: plain HTTP with
the standard library (no client of bantin's own, so nothing is smoothed
over), a collector of findings, and strict date and URI checks.

A finding is a defect of the server or of its document, said as
"[client] where: what". Each checker reports every finding it has, then
exits 1 when there was any.
"""

import datetime as dt
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # an email.message.Message: case-insensitive .get
        self.body = body

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(method, url, body=None, headers=None, timeout=30):
    """One request; every status comes back as a Response (no exception)."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


class Fatal(Exception):
    """A step the rest depends on failed: stop this checker here."""


class Findings:
    def __init__(self, client):
        self.client = client
        self.items = []
        self.checks = 0

    def check(self, ok, where, what):
        self.checks += 1
        if not ok:
            self.items.append(f"[{self.client}] {where}: {what}")
            print(f"FAIL [{self.client}] {where}: {what}", flush=True)
        return bool(ok)

    def fail(self, where, what):
        return self.check(False, where, what)

    def expect_status(self, resp, status, where):
        if resp.status != status:
            detail = resp.body[:300].decode("utf-8", "replace")
            raise Fatal(f"{where}: expected HTTP {status}, got {resp.status}: {detail}")
        return resp

    def finish(self):
        n = len(self.items)
        print(f"{self.client}: {self.checks - n} passed, {n} failed", flush=True)
        sys.exit(1 if n else 0)

    def run(self, body):
        """Runs body(self); a Fatal or an unexpected exception is a finding too."""
        try:
            body(self)
        except Fatal as e:
            self.fail("stopped", str(e))
        except Exception as e:  # a crash of the checker on odd input is reported, not hidden
            import traceback

            traceback.print_exc()
            self.fail("stopped", f"{type(e).__name__}: {e}")
        self.finish()


# RFC 3339 section 5.6 date-time, exactly (a "T" or "t", seconds required,
# "Z" or a numeric offset required).
RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def is_rfc3339(value):
    if not isinstance(value, str):
        return False
    m = RFC3339.match(value)
    if not m:
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00").replace("t", "T"))
    except ValueError:
        return False
    return True


# RFC 4151: tag:<authority>,<date>:<specific>[#fragment]
_DNSCOMP = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DNSNAME = rf"{_DNSCOMP}(?:\.{_DNSCOMP})*"
_EMAIL = rf"[A-Za-z0-9\-._]+@{_DNSNAME}"
_DATE = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
TAG_URI = re.compile(rf"^tag:(?:{_DNSNAME}|{_EMAIL}),{_DATE}:(?:{_PCHAR}|[/?])*(?:#(?:{_PCHAR}|[/?])*)?$")


def is_tag_uri(value):
    return isinstance(value, str) and bool(TAG_URI.match(value))


def is_absolute_http_url(value):
    if not isinstance(value, str) or value != value.strip() or " " in value:
        return False
    u = urllib.parse.urlsplit(value)
    return u.scheme in ("http", "https") and bool(u.netloc)


def same_url(a, b):
    """The same URL, query parameters in any order."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    ua, ub = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return (
        (ua.scheme, ua.netloc, ua.path) == (ub.scheme, ub.netloc, ub.path)
        and sorted(urllib.parse.parse_qsl(ua.query)) == sorted(urllib.parse.parse_qsl(ub.query))
    )


def load_state(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
