"""The iCalendar feed read as a calendar app reads it, and /metrics read as
Prometheus reads it.

- GET /api/v1/events.ics: the raw text against RFC 5545's lexical rules
  (CRLF line ends, lines folded at 75 octets, a VTIMEZONE for every TZID,
  the required VEVENT properties), then parsed with the PyPI package
  icalendar, which must record no parse error; every VEVENT has a UID
  ending in "@<host of BANTIN_PUBLIC_URL>", a DTSTAMP, a DTSTART and a
  SUMMARY; UIDs are unique; times and titles are what the JSON API says for
  the same events; the events setup.py made are in the default window;
  ?official= narrows it; ETag and If-None-Match give 304.
- GET /metrics as Prometheus scrapes it: with the bearer token
  BANTIN_METRICS_TOKEN (how it is read from anywhere; README "Metrics"),
  refused (403) with another token and to a caller that came through a
  proxy; Content-Type text/plain; version=0.0.4; parsed strictly with
  prometheus_client.parser.text_string_to_metric_families; no series twice;
  histograms consistent; the documented families present; the `route`
  label a route template, never a raw path (after requests to slugs, ids,
  media files and an unknown path), and `method` a known method or `other`.

Usage: python calendar_metrics.py STATE.json METRICS_TOKEN
"""

import datetime as dt
import re
import sys
import urllib.parse
import zoneinfo

from icalendar import Calendar
from prometheus_client.parser import text_string_to_metric_families

from common import Fatal, Findings, load_state, request

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def utc(value):
    """A DTSTART/DTEND value as an aware UTC datetime (dates stay dates)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return None  # floating time: a calendar app would show it in the reader's zone
        return value.astimezone(dt.timezone.utc)
    return value


def parse_api_time(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


# ---------------------------------------------------------------- iCalendar


def lexical(f, where, raw):
    """RFC 5545 3.1: content lines end in CRLF, are folded at 75 octets."""
    f.check(raw.endswith(b"\r\n"), where, "the calendar does not end with CRLF")
    lines = raw.split(b"\r\n")
    bare_lf = [i + 1 for i, l in enumerate(lines) if b"\n" in l or b"\r" in l]
    f.check(not bare_lf, where, f"lines ending in a bare LF or CR (RFC 5545 3.1 wants CRLF): lines {bare_lf[:5]}")
    long = [(i + 1, len(l)) for i, l in enumerate(lines) if len(l) > 75]
    f.check(not long, where, f"content lines longer than 75 octets (RFC 5545 3.1): {long[:5]}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        f.fail(where, f"not UTF-8: {e}")
        return None
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    props = [l for l in unfolded.split("\r\n") if l]
    f.check(props and props[0] == "BEGIN:VCALENDAR" and props[-1] == "END:VCALENDAR", where, "not one VCALENDAR")
    return props


def check_calendar(f, base, state, query, expect_uids=None):
    path = "/api/v1/events.ics" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    where = f"GET {path}"
    r = request("GET", base + path)
    if not f.check(r.status == 200, where, f"HTTP {r.status}: {r.body[:200]!r}"):
        return None
    ctype = r.header("Content-Type") or ""
    f.check(ctype.split(";")[0].strip().lower() == "text/calendar", where, f"Content-Type {ctype!r}, not text/calendar")
    props = lexical(f, where, r.body)
    if props is None:
        return None

    # Properties as written, per component (nesting followed by BEGIN/END).
    stack, events, tzids_defined, tzids_used = [], [], set(), set()
    cal_props = []
    for line in props:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name == "BEGIN":
            comp = line.split(":", 1)[1].upper()
            stack.append(comp)
            if comp == "VEVENT":
                events.append([])
            continue
        if name == "END":
            comp = line.split(":", 1)[1].upper()
            f.check(stack and stack[-1] == comp, where, f"END:{comp} does not close {stack[-1] if stack else 'anything'}")
            if stack:
                stack.pop()
            continue
        if stack == ["VCALENDAR"]:
            cal_props.append(name)
        elif stack and stack[-1] == "VEVENT":
            events[-1].append(name)
        if stack and stack[-1] == "VTIMEZONE" and name == "TZID":
            tzids_defined.add(line.split(":", 1)[1])
        for m in re.finditer(r";TZID=([^;:]+)", line.split(":", 1)[0]):
            tzids_used.add(m.group(1).strip('"'))
    for req in ("VERSION", "PRODID"):
        f.check(cal_props.count(req) == 1, where, f"the VCALENDAR needs exactly one {req} (RFC 5545 3.6)")
    missing_tz = tzids_used - tzids_defined
    f.check(not missing_tz, where, f"TZID {sorted(missing_tz)} used without its VTIMEZONE (RFC 5545 3.2.19)")
    for i, names in enumerate(events):
        w = f"{where} VEVENT {i + 1}"
        for req in ("UID", "DTSTAMP", "DTSTART"):
            f.check(names.count(req) == 1, w, f"{names.count(req)} {req} properties, RFC 5545 3.6.1 wants exactly 1")
        f.check(not ("DTEND" in names and "DURATION" in names), w, "both DTEND and DURATION")
        for once in ("SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "CREATED", "LAST-MODIFIED", "DTEND"):
            f.check(names.count(once) <= 1, w, f"{once} more than once (RFC 5545 3.6.1)")

    # What a calendar app's parser makes of it.
    try:
        cal = Calendar.from_ical(r.body)
    except Exception as e:  # icalendar raises ValueError on what it cannot read at all
        f.fail(where, f"[icalendar] cannot parse it: {type(e).__name__}: {e}")
        return None
    parse_errors = [(c.name, err) for c in cal.walk() for err in getattr(c, "errors", [])]
    f.check(not parse_errors, where, f"[icalendar] parse errors: {parse_errors[:5]}")
    host = urllib.parse.urlsplit(base).hostname
    vevents = cal.walk("VEVENT")
    f.check(len(vevents) == len(events), where, f"[icalendar] read {len(vevents)} VEVENTs, the text has {len(events)}")
    uids = []
    out = {}
    for i, ev in enumerate(vevents):
        w = f"{where} VEVENT {i + 1}"
        uid = str(ev.get("UID", ""))
        uids.append(uid)
        f.check(uid and uid.endswith("@" + host), w, f"UID {uid!r} does not end in @{host} (the public URL's host)")
        summary = ev.get("SUMMARY")
        f.check(summary is not None and str(summary).strip(), w, f"no SUMMARY (or an empty one) in {uid}")
        start = ev.get("DTSTART")
        if not f.check(start is not None, w, f"[icalendar] no DTSTART in {uid}"):
            continue
        s = start.dt
        if isinstance(s, dt.datetime):
            f.check(s.tzinfo is not None, w, f"DTSTART of {uid} is a floating time (no TZID, no Z)")
        end = ev.get("DTEND")
        if end is not None:
            e = end.dt
            f.check(type(e) is type(s), w, f"DTSTART and DTEND of {uid} are of different value types")
            if isinstance(s, dt.datetime) and isinstance(e, dt.datetime) and s.tzinfo and e.tzinfo:
                f.check(e >= s, w, f"DTEND {e} before DTSTART {s} in {uid}")
            elif isinstance(s, dt.date) and not isinstance(s, dt.datetime) and isinstance(e, dt.date):
                f.check(e > s, w, f"all-day DTEND {e} is not after DTSTART {s} (DTEND is exclusive: RFC 5545 3.6.1)")
        stamp = ev.get("DTSTAMP")
        if stamp is not None:
            f.check(isinstance(stamp.dt, dt.datetime) and stamp.dt.utcoffset() == dt.timedelta(0), w, f"DTSTAMP of {uid} is not in UTC (RFC 5545 3.8.7.2)")
        out[uid] = ev
    f.check(len(uids) == len(set(uids)), where, f"UIDs are not unique: {sorted(u for u in set(uids) if uids.count(u) > 1)}")

    if expect_uids is not None:
        stray = set(uids) - set(expect_uids)
        f.check(not stray, where, f"events not in the unfiltered calendar's set for this filter: {sorted(stray)}")

    etag = r.header("ETag")
    if f.check(etag, where, "no ETag (calendar apps poll)"):
        again = request("GET", base + path, headers={"If-None-Match": etag})
        f.check(again.status == 304, where, f"If-None-Match with its ETag gave HTTP {again.status}, not 304")
    return out


def calendar_main(f, state):
    base = state["base"]
    api = base + "/api/v1"
    got = check_calendar(f, base, state, {})
    if got is None:
        return
    host = urllib.parse.urlsplit(base).hostname
    # The events setup.py made (upcoming) are in the default window
    # ("the last 90 days onwards"), as the JSON API shows them.
    for made in state["events"]:
        uid = f"event-{made['id']}@{host}"
        r = request("GET", f"{api}/events/{made['id']}")
        if not f.check(r.status == 200, f"GET /api/v1/events/{made['id']}", f"HTTP {r.status}"):
            continue
        view = r.json()
        ev = got.get(uid) or next((e for u, e in got.items() if u.startswith(f"event-{made['id']}@")), None)
        where = f"GET /api/v1/events.ics: {uid}"
        if not f.check(ev is not None, where, f"the upcoming event {made['id']} ({view.get('title')!r}) is not in the default window; UIDs: {sorted(got)}"):
            continue
        f.check(str(ev.get("SUMMARY")) == view["title"], where, f"SUMMARY {str(ev.get('SUMMARY'))!r} is not the title {view['title']!r}")
        s = ev.get("DTSTART").dt
        if made["all_day"]:
            f.check(isinstance(s, dt.date) and not isinstance(s, dt.datetime), where, f"an all-day event's DTSTART {s!r} is not a DATE")
            if view.get("start_date"):
                f.check(s.isoformat() == view["start_date"], where, f"DTSTART {s} is not start_date {view['start_date']}")
            e = ev.get("DTEND")
            if e is not None and view.get("end_date"):
                want = dt.date.fromisoformat(view["end_date"]) + dt.timedelta(days=1)
                f.check(e.dt == want, where, f"DTEND {e.dt} is not the day after end_date {view['end_date']} (exclusive end)")
        else:
            f.check(utc(s) == parse_api_time(view["starts_at"]), where, f"DTSTART {s!r} is not starts_at {view['starts_at']}")
            e = ev.get("DTEND")
            if view.get("ends_at"):
                f.check(e is not None and utc(e.dt) == parse_api_time(view["ends_at"]), where, f"DTEND {e.dt if e else None!r} is not ends_at {view['ends_at']}")
    # The whole calendar, and one leader's.
    everything = check_calendar(f, base, state, {"from": "2000-01-01"})
    if everything is not None:
        check_calendar(f, base, state, {"from": "2000-01-01", "official": state["filters"]["official"]}, expect_uids=list(everything))
        r = request("GET", f"{api}/events?from=2000-01-01&limit=100")
        if r.status == 200:
            ids = sorted(f"event-{e['id']}@{host}" for e in r.json()["data"])
            f.check(sorted(everything) == ids, "GET /api/v1/events.ics?from=2000-01-01", f"UIDs {sorted(everything)} are not the events the JSON API lists {ids}")


# ---------------------------------------------------------------- metrics

DOCUMENTED = {  # README "Metrics": families every scrape has (given the requests made before it)
    "http_requests_total": "counter",
    "http_request_duration_seconds": "histogram",
    "bantin_db_connections": None,
    "bantin_db_waiting": None,
    "bantin_cache_hits_total": "counter",
    "bantin_cache_misses_total": "counter",
    "bantin_cache_bytes": None,
    "bantin_search_duration_seconds": "histogram",
    "bantin_job_last_success_timestamp_seconds": None,
}
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "other"}


def route_templates(base):
    doc = request("GET", base + "/api/v1/openapi.json").json()
    return set(doc["paths"])


def metrics_main(f, state, token):
    base = state["base"]
    api = base + "/api/v1"
    slug = state["cards"]["landscape"]["slug"]
    # Requests that a raw-path label would show: slugs, ids, a file, an
    # unknown path, an invented method, a search.
    raw_markers = [slug, "khong-co-trang-nay-xyz", "w320.jpg"]
    for method, path in (
        ("GET", f"/api/v1/articles/{slug}"),
        ("GET", f"/api/v1/articles/{state['cards']['none']['id']}"),
        ("GET", "/api/v1/khong-co-trang-nay-xyz"),
        ("GET", "/api/v1/articles/khong-co-trang-nay-xyz"),
        ("GET", f"/embed/articles/{slug}"),
        ("GET", "/api/v1/search?q=hoi%20nghi"),
        ("FOOBAR", "/api/v1/articles"),
    ):
        request(method, base + path)
    media = request("GET", api + "/media?limit=1").json().get("data") or []
    if media:
        request("GET", base + f"/media/{media[0]['id']}/w320.jpg")

    where = "GET /metrics"
    r = request("GET", base + "/metrics", headers={"Authorization": f"Bearer {token}"})
    if not f.check(r.status == 200, where, f"with Authorization: Bearer $BANTIN_METRICS_TOKEN: HTTP {r.status}: {r.body[:200]!r}"):
        return
    ctype = r.header("Content-Type") or ""
    params = {p.split("=", 1)[0].strip().lower(): p.split("=", 1)[1].strip() for p in ctype.split(";")[1:] if "=" in p}
    f.check(ctype.split(";")[0].strip() == "text/plain" and params.get("version") == "0.0.4", where, f"Content-Type {ctype!r}, not text/plain; version=0.0.4")
    for headers, what in (
        ({"Authorization": "Bearer not-the-metrics-token"}, "another bearer token"),
        ({"X-Forwarded-For": "203.0.113.9"}, "a caller that came through a proxy (X-Forwarded-For), no token"),
    ):
        denied = request("GET", base + "/metrics", headers=headers)
        f.check(denied.status == 403, where, f"{what}: HTTP {denied.status}, not 403")
        if denied.status == 403:
            f.check((denied.header("Content-Type") or "").startswith("application/problem+json"), where, f"{what}: the 403 is not problem+json")

    text = r.body.decode("utf-8")
    f.check(text.endswith("\n"), where, "the exposition does not end with a line feed (text format 0.0.4)")
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:
        f.fail(where, f"[prometheus_client] cannot parse it: {type(e).__name__}: {e}")
        return
    # TYPE lines, as written (the parser folds _total into the family name).
    typed = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    seen_types = {}
    for name, kind in typed.items():
        f.check(name not in seen_types, where, f"two # TYPE lines for {name}")
        seen_types[name] = kind
    f.check(len(re.findall(r"^# TYPE ", text, re.M)) == len(typed), where, "a # TYPE line is repeated")
    for name, kind in DOCUMENTED.items():
        got = typed.get(name)
        if f.check(got is not None, where, f"no {name} family (documented in README \"Metrics\")"):
            if kind:
                f.check(got == kind, where, f"{name} is a {got}, not a {kind}")

    series = set()
    untyped = set()
    templates = route_templates(base)
    routes = set()
    for fam in families:
        if fam.type == "unknown":
            untyped.add(fam.name)
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            f.check(key not in series, where, f"the series {s.name}{dict(s.labels)} appears twice (Prometheus rejects the scrape)")
            series.add(key)
            f.check(s.value == s.value, where, f"{s.name}{dict(s.labels)} is NaN")
            if "route" in s.labels:
                routes.add(s.labels["route"])
            if "method" in s.labels:
                f.check(s.labels["method"] in METHODS, where, f"method label {s.labels['method']!r} on {s.name}: an invented method should be counted as 'other' (README)")
        if fam.type == "histogram":
            by_series = {}
            for s in fam.samples:
                labels = {k: v for k, v in s.labels.items() if k != "le"}
                k = tuple(sorted(labels.items()))
                by_series.setdefault(k, {"buckets": [], "count": None})
                if s.name.endswith("_bucket"):
                    by_series[k]["buckets"].append((float(s.labels["le"]), s.value))
                elif s.name.endswith("_count"):
                    by_series[k]["count"] = s.value
            for k, v in by_series.items():
                b = sorted(v["buckets"])
                w = f"{where} {fam.name}{dict(k)}"
                if not f.check(b and b[-1][0] == float("inf"), w, "no le=\"+Inf\" bucket"):
                    continue
                f.check(all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1)), w, "bucket counts are not cumulative")
                f.check(v["count"] == b[-1][1], w, f"_count {v['count']} is not the +Inf bucket {b[-1][1]}")
    f.check(not untyped, where, f"families without a # TYPE: {sorted(untyped)}")
    f.check(routes, where, "no route label at all")
    raw = sorted(r for r in routes if any(m in r for m in raw_markers))
    f.check(not raw, where, f"route labels that are raw paths, not templates (one series per slug): {raw}")
    unknown = sorted(r for r in routes if r.startswith("/") and r not in templates and not r.startswith(("/api/v1/openapi.json", "/docs")))
    f.check(not unknown, where, f"route labels that are not a path template of the OpenAPI document: {unknown}")
    print(f"metrics: {len(families)} families, {len(series)} series, routes {sorted(routes)}")


def main(f, state_path, token):
    state = load_state(state_path)
    calendar_main(f, state)
    metrics_main(f, state, token)


if __name__ == "__main__":
    Findings("calendar+metrics").run(lambda f: main(f, *sys.argv[1:3]))
