"""Every feed bantin serves, read the way feed readers and aggregators read
them:

- RSS 2.0 and Atom 1.0 through a strict XML parser (xml.dom.minidom: expat,
  which refuses anything not well-formed), then checked element by element
  against the RSS 2.0 specification and RFC 4287;
- RSS and Atom through the PyPI package feedparser, which must find
  nothing to complain about (bozo == 0, given the response's Content-Type)
  and at least one entry (feedparser 6.0.x, the released line, does not
  read JSON Feed);
- JSON Feed through a strict checker of the JSON Feed 1.1 rules written
  here (below);
- and across formats: the three formats of a feed carry the same items,
  with the same ids; a filtered feed holds what the JSON API lists for the
  same filter; ids are `tag:` URIs (RFC 4151); links go to the public site;
  the feed names itself (Atom/RSS `rel="self"`, JSON `feed_url`) with the
  address it was fetched from; ETag and If-None-Match give 304.

Usage: python feeds.py STATE.json SITE_URL
"""

import email.utils
import html.parser
import json
import re
import sys
import urllib.parse
from xml.dom import minidom
from xml.parsers.expat import ExpatError

import feedparser

from common import Fatal, Findings, is_absolute_http_url, is_rfc3339, is_tag_uri, load_state, request, same_url

ATOM_NS = "http://www.w3.org/2005/Atom"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


# ---------------------------------------------------------------- helpers


def children(node, name, ns=None):
    """Direct element children with that local name (and namespace, when given)."""
    out = []
    for c in node.childNodes:
        if c.nodeType == c.ELEMENT_NODE and (c.localName or c.tagName) == name:
            if ns is None or c.namespaceURI == ns:
                out.append(c)
    return out


def plain(node, name):
    """Direct element children with that name in no namespace (RSS 2.0's own elements)."""
    return [c for c in children(node, name) if c.namespaceURI is None]


def text(node):
    return "".join(c.data for c in node.childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))


class LinkCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.urls.append((tag, k, v))


def relative_urls_in_html(fragment):
    p = LinkCollector()
    p.feed(fragment or "")
    return [f"<{t} {k}={v!r}>" for t, k, v in p.urls if not (is_absolute_http_url(v) or v.startswith(("mailto:", "tel:", "#")))]


RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}|GMT|UT)$"
)


def rfc822_problem(value):
    """None when value is an RFC 822 date-time as RSS 2.0 wants it (4-digit year, weekday right)."""
    m = RFC822.match(value or "")
    if not m:
        return f"not an RFC 822 date-time: {value!r}"
    try:
        d = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError) as e:
        return f"not a date: {value!r} ({e})"
    if d.strftime("%a") != m.group(1):
        return f"{value!r}: the weekday is wrong (that day is a {d.strftime('%a')})"
    return None


def strict_json(raw):
    """JSON as RFC 8259 has it: UTF-8, no NaN or Infinity, no duplicate member names."""

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    def no_duplicates(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                raise ValueError(f"duplicate member name {k!r}")
            seen[k] = v
        return seen

    return json.loads(raw.decode("utf-8"), parse_constant=no_constants, object_pairs_hook=no_duplicates)


def parse_xml(f, where, raw):
    """The root element, through a strict parser; None (a finding) when not well-formed."""
    try:
        return minidom.parseString(raw).documentElement
    except ExpatError as e:
        f.fail(where, f"[xml.dom.minidom] not well-formed XML: {e}")
        return None


# ---------------------------------------------------------------- RSS 2.0


def check_rss(f, where, raw, self_url):
    """Returns [(id, link)] of the items, or None when the XML is not even well-formed."""
    rss = parse_xml(f, where, raw)
    if rss is None:
        return None
    if not f.check(rss.tagName == "rss" and rss.getAttribute("version") == "2.0", where, f"root is <{rss.tagName} version={rss.getAttribute('version')!r}>, not <rss version=\"2.0\">"):
        return None
    channels = children(rss, "channel")
    if not f.check(len(channels) == 1, where, f"{len(channels)} <channel> elements, not 1"):
        return None
    ch = channels[0]
    for name in ("title", "link", "description"):
        # RSS 2.0's own elements are in no namespace (an <atom:link> is not a second <link>).
        els = plain(ch, name)
        f.check(len(els) == 1 and text(els[0]).strip(), where, f"<channel> needs exactly one non-empty <{name}>")
    for link in plain(ch, "link"):
        f.check(is_absolute_http_url(text(link).strip()), where, f"channel <link> is not an absolute URL: {text(link)!r}")
    for name in ("lastBuildDate", "pubDate"):
        for el in children(ch, name):
            p = rfc822_problem(text(el).strip())
            f.check(p is None, where, f"channel <{name}>: {p}")
    selfs = [l for l in children(ch, "link", ATOM_NS) if l.getAttribute("rel") == "self"]
    if f.check(len(selfs) == 1, where, f"{len(selfs)} <atom:link rel=\"self\">, not 1"):
        href = selfs[0].getAttribute("href")
        f.check(same_url(href, self_url), where, f"<atom:link rel=\"self\"> is {href!r}, not the feed's own address {self_url!r}")
        f.check(selfs[0].getAttribute("type") == "application/rss+xml", where, f"<atom:link rel=\"self\"> type {selfs[0].getAttribute('type')!r}")
    items = children(ch, "item")
    out = []
    for i, item in enumerate(items):
        w = f"{where} item {i + 1}"
        titles, descs = plain(item, "title"), plain(item, "description")
        f.check(titles or descs, w, "an <item> needs a <title> or a <description>")
        f.check(len(titles) <= 1 and len(descs) <= 1, w, "more than one <title> or <description>")
        links = plain(item, "link")
        link = text(links[0]).strip() if links else None
        f.check(len(links) == 1 and is_absolute_http_url(link), w, f"<link> should be one absolute URL: {link!r}")
        guids = children(item, "guid")
        gid = None
        if f.check(len(guids) == 1, w, f"{len(guids)} <guid> elements, not 1"):
            g = guids[0]
            gid = text(g).strip()
            f.check(g.getAttribute("isPermaLink") == "false", w, f"<guid isPermaLink={g.getAttribute('isPermaLink')!r}>, not \"false\"")
            f.check(is_tag_uri(gid), w, f"<guid> {gid!r} is not a tag: URI (RFC 4151)")
        for el in children(item, "pubDate"):
            p = rfc822_problem(text(el).strip())
            f.check(p is None, w, f"<pubDate>: {p}")
        f.check(len(children(item, "pubDate")) == 1, w, "no <pubDate>")
        for enc in children(item, "enclosure"):
            url, length, typ = enc.getAttribute("url"), enc.getAttribute("length"), enc.getAttribute("type")
            f.check(is_absolute_http_url(url), w, f"<enclosure url={url!r}> is not an absolute URL")
            f.check(re.fullmatch(r"\d+", length or "") is not None, w, f"<enclosure length={length!r}> is not a number of bytes")
            f.check(re.fullmatch(r"[\w.+-]+/[\w.+-]+", typ or "") is not None, w, f"<enclosure type={typ!r}> is not a MIME type")
        f.check(len(children(item, "enclosure")) <= 1, w, "more than one <enclosure> (RSS 2.0 allows one)")
        for name in ("description", "encoded"):
            for el in children(item, name):
                rel = relative_urls_in_html(text(el))
                f.check(not rel, w, f"<{el.tagName}> has relative URLs a reader cannot resolve: {rel[:3]}")
        out.append((gid, link))
    ids = [i for i, _ in out]
    f.check(len(set(ids)) == len(ids), where, "two items share a <guid>")
    return out


# ---------------------------------------------------------------- Atom 1.0


def check_atom(f, where, raw, self_url):
    """Returns (feed id, [(entry id, alternate link)]), or None."""
    feed = parse_xml(f, where, raw)
    if feed is None:
        return None
    if not f.check(feed.localName == "feed" and feed.namespaceURI == ATOM_NS, where, f"root is <{feed.tagName}> in {feed.namespaceURI!r}, not an Atom <feed>"):
        return None

    def one(parent, name, w):
        els = children(parent, name, ATOM_NS)
        f.check(len(els) == 1, w, f"{len(els)} <{name}> elements, not exactly 1")
        return els[0] if els else None

    def text_construct(el, w):
        t = el.getAttribute("type") or "text"
        f.check(t in ("text", "html", "xhtml"), w, f"<{el.localName} type={t!r}>")

    fid_el = one(feed, "id", where)
    fid = text(fid_el).strip() if fid_el else None
    if fid_el:
        f.check(urllib.parse.urlsplit(fid).scheme != "", where, f"feed <id> {fid!r} is not an absolute IRI")
    t = one(feed, "title", where)
    if t:
        text_construct(t, where)
    u = one(feed, "updated", where)
    if u:
        f.check(is_rfc3339(text(u).strip()), where, f"feed <updated> {text(u)!r} is not RFC 3339")
    feed_has_author = bool(children(feed, "author", ATOM_NS))
    links = children(feed, "link", ATOM_NS)
    for l in links:
        f.check(is_absolute_http_url(l.getAttribute("href")), where, f"<link href={l.getAttribute('href')!r}> is not absolute")
    selfs = [l for l in links if l.getAttribute("rel") == "self"]
    if f.check(len(selfs) == 1, where, f"{len(selfs)} <link rel=\"self\">, not 1"):
        href = selfs[0].getAttribute("href")
        f.check(same_url(href, self_url), where, f"<link rel=\"self\"> is {href!r}, not the feed's own address {self_url!r}")
    alternates = [(l.getAttribute("type"), l.getAttribute("hreflang")) for l in links if (l.getAttribute("rel") or "alternate") == "alternate"]
    f.check(len(alternates) == len(set(alternates)), where, "two rel=\"alternate\" links with the same type and hreflang (RFC 4287 4.1.1)")

    entries = children(feed, "entry", ATOM_NS)
    out = []
    for i, entry in enumerate(entries):
        w = f"{where} entry {i + 1}"
        eid_el = one(entry, "id", w)
        eid = text(eid_el).strip() if eid_el else None
        if eid_el:
            f.check(is_tag_uri(eid), w, f"<id> {eid!r} is not a tag: URI (RFC 4151)")
        t = one(entry, "title", w)
        if t:
            text_construct(t, w)
            f.check(text(t).strip(), w, "empty <title>")
        u = one(entry, "updated", w)
        if u:
            f.check(is_rfc3339(text(u).strip()), w, f"<updated> {text(u)!r} is not RFC 3339")
        for p in children(entry, "published", ATOM_NS):
            f.check(is_rfc3339(text(p).strip()), w, f"<published> {text(p)!r} is not RFC 3339")
        f.check(feed_has_author or children(entry, "author", ATOM_NS), w, "no <author> in the entry nor in the feed (RFC 4287 4.1.1)")
        for a in children(entry, "author", ATOM_NS):
            f.check(len(children(a, "name", ATOM_NS)) == 1, w, "an <author> needs exactly one <name>")
        elinks = children(entry, "link", ATOM_NS)
        for l in elinks:
            f.check(is_absolute_http_url(l.getAttribute("href")), w, f"<link href={l.getAttribute('href')!r}> is not absolute")
        alts = [l for l in elinks if (l.getAttribute("rel") or "alternate") == "alternate"]
        contents = children(entry, "content", ATOM_NS)
        f.check(len(contents) <= 1, w, "more than one <content>")
        f.check(contents or alts, w, "neither <content> nor <link rel=\"alternate\"> (RFC 4287 4.1.2)")
        alt_keys = [(l.getAttribute("type"), l.getAttribute("hreflang")) for l in alts]
        f.check(len(alt_keys) == len(set(alt_keys)), w, "two rel=\"alternate\" links with the same type and hreflang")
        for s in children(entry, "summary", ATOM_NS):
            text_construct(s, w)
        for c in contents:
            ctype = c.getAttribute("type") or "text"
            if ctype == "html":
                rel = relative_urls_in_html(text(c))
                f.check(not rel, w, f"<content type=\"html\"> has relative URLs: {rel[:3]}")
        out.append((eid, alts[0].getAttribute("href") if alts else None))
    ids = [i for i, _ in out]
    f.check(len(set(ids)) == len(ids), where, "two entries share an <id>")
    return fid, out


# ---------------------------------------------------------------- JSON Feed 1.1

FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
             "favicon", "authors", "author", "language", "expired", "hubs", "items"}
ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
             "banner_image", "date_published", "date_modified", "authors", "author", "tags", "language", "attachments"}
ATTACHMENT_KEYS = {"url", "mime_type", "title", "size_in_bytes", "duration_in_seconds"}
AUTHOR_KEYS = {"name", "url", "avatar"}


def check_json_feed(f, where, raw, self_url):
    """The JSON Feed 1.1 rules (https://jsonfeed.org/version/1.1), strictly. Returns [(id, url)] or None."""
    try:
        feed = strict_json(raw)
    except (UnicodeDecodeError, ValueError) as e:
        f.fail(where, f"not strict JSON: {e}")
        return None
    if not f.check(isinstance(feed, dict), where, "the top level is not an object"):
        return None

    def unknown(obj, allowed, w, what):
        extra = [k for k in obj if k not in allowed and not re.fullmatch(r"_[A-Za-z].*", k)]
        f.check(not extra, w, f"{what} members not in JSON Feed 1.1 (extensions must start with '_' and a letter): {extra}")

    def opt_str(obj, key, w, url=False):
        if key in obj:
            v = obj[key]
            if f.check(isinstance(v, str), w, f"{key} is not a string: {v!r}") and url:
                f.check(is_absolute_http_url(v), w, f"{key} is not an absolute URL: {v!r}")

    def authors(obj, w):
        if "authors" in obj:
            a = obj["authors"]
            if f.check(isinstance(a, list) and a, w, f"authors is not a non-empty list: {a!r}"):
                for x in a:
                    if f.check(isinstance(x, dict), w, f"an author is not an object: {x!r}"):
                        unknown(x, AUTHOR_KEYS, w, "author")
                        f.check(any(k in x for k in AUTHOR_KEYS), w, f"an author needs name, url or avatar: {x!r}")
                        opt_str(x, "name", w)
                        opt_str(x, "url", w, url=True)
                        opt_str(x, "avatar", w, url=True)
        if "author" in obj:  # JSON Feed 1.0's single author: deprecated, still an object
            a = obj["author"]
            f.check(isinstance(a, dict) and any(k in a for k in AUTHOR_KEYS), w, f"author (1.0) is not an author object: {a!r}")

    unknown(feed, FEED_KEYS, where, "top-level")
    f.check(feed.get("version") == JSONFEED_VERSION, where, f"version is {feed.get('version')!r}, not {JSONFEED_VERSION!r}")
    f.check(isinstance(feed.get("title"), str) and feed["title"].strip(), where, f"title missing or not a string: {feed.get('title')!r}")
    for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon"):
        opt_str(feed, key, where, url=True)
    for key in ("description", "user_comment", "language"):
        opt_str(feed, key, where)
    if "expired" in feed:
        f.check(isinstance(feed["expired"], bool), where, f"expired is not a boolean: {feed['expired']!r}")
    if "hubs" in feed:
        hubs = feed["hubs"]
        f.check(isinstance(hubs, list) and all(isinstance(h, dict) and isinstance(h.get("type"), str) and isinstance(h.get("url"), str) for h in hubs), where, f"hubs is not a list of {{type, url}}: {hubs!r}")
    authors(feed, where)
    f.check("feed_url" in feed, where, "no feed_url (strongly recommended: it identifies the feed)")
    if isinstance(feed.get("feed_url"), str):
        f.check(same_url(feed["feed_url"], self_url), where, f"feed_url is {feed['feed_url']!r}, not the feed's own address {self_url!r}")
    items = feed.get("items")
    if not f.check(isinstance(items, list), where, f"items is not a list: {type(items).__name__}"):
        return None
    out = []
    for i, item in enumerate(items):
        w = f"{where} item {i + 1}"
        if not f.check(isinstance(item, dict), w, "an item is not an object"):
            continue
        unknown(item, ITEM_KEYS, w, "item")
        iid = item.get("id")
        f.check(isinstance(iid, str) and iid != "", w, f"id is not a non-empty string: {iid!r}")
        f.check(is_tag_uri(iid), w, f"id {iid!r} is not a tag: URI (RFC 4151), as the RSS guid and the Atom id are")
        has_html = isinstance(item.get("content_html"), str)
        has_text = isinstance(item.get("content_text"), str)
        f.check(has_html or has_text, w, "neither content_html nor content_text is a string (one is required)")
        for key in ("content_html", "content_text"):
            if key in item:
                f.check(isinstance(item[key], str), w, f"{key} is not a string")
        if has_html:
            rel = relative_urls_in_html(item["content_html"])
            f.check(not rel, w, f"content_html has relative URLs: {rel[:3]}")
        for key in ("url", "external_url", "image", "banner_image"):
            opt_str(item, key, w, url=True)
        for key in ("title", "summary", "language"):
            opt_str(item, key, w)
        for key in ("date_published", "date_modified"):
            if key in item:
                f.check(is_rfc3339(item[key]), w, f"{key} {item[key]!r} is not RFC 3339")
        authors(item, w)
        if "tags" in item:
            tags = item["tags"]
            f.check(isinstance(tags, list) and all(isinstance(t, str) for t in tags), w, f"tags is not a list of strings: {tags!r}")
        if "attachments" in item:
            att = item["attachments"]
            if f.check(isinstance(att, list), w, "attachments is not a list"):
                for a in att:
                    if not f.check(isinstance(a, dict), w, f"an attachment is not an object: {a!r}"):
                        continue
                    unknown(a, ATTACHMENT_KEYS, w, "attachment")
                    f.check(isinstance(a.get("url"), str) and is_absolute_http_url(a["url"]), w, f"attachment url is not an absolute URL: {a.get('url')!r}")
                    f.check(isinstance(a.get("mime_type"), str) and re.fullmatch(r"[\w.+-]+/[\w.+-]+", a["mime_type"]), w, f"attachment mime_type is not a MIME type: {a.get('mime_type')!r}")
                    opt_str(a, "title", w)
                    for key in ("size_in_bytes", "duration_in_seconds"):
                        if key in a:
                            f.check(isinstance(a[key], (int, float)) and not isinstance(a[key], bool) and a[key] >= 0, w, f"attachment {key} is not a number: {a[key]!r}")
        out.append((iid, item.get("url")))
    ids = [i for i, _ in out]
    f.check(len(set(ids)) == len(ids), where, "two items share an id")
    return out


# ---------------------------------------------------------------- driver

CONTENT_TYPES = {
    "rss": ("application/rss+xml", "application/xml", "text/xml"),
    "atom": ("application/atom+xml",),
    "json": ("application/feed+json", "application/json"),
}
FEEDPARSER_VERSIONS = {"rss": ("rss20",), "atom": ("atom10",), "json": ("json1", "json11")}


def check_feed(f, base, kind, fmt, query):
    path = f"/api/v1/feeds/{kind}.{fmt}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    where = f"GET {path}"
    url = base + path
    r = request("GET", url)
    if not f.check(r.status == 200, where, f"HTTP {r.status}: {r.body[:200]!r}"):
        return None
    ctype = (r.header("Content-Type") or "").split(";")[0].strip().lower()
    f.check(ctype in CONTENT_TYPES[fmt], where, f"Content-Type {r.header('Content-Type')!r}, expected one of {CONTENT_TYPES[fmt]}")

    if fmt == "rss":
        items = check_rss(f, where, r.body, url)
        feed_id = None
    elif fmt == "atom":
        got = check_atom(f, where, r.body, url)
        feed_id, items = got if got else (None, None)
    else:
        items = check_json_feed(f, where, r.body, url)
        feed_id = None

    # feedparser: what most aggregators are built on. Its released versions
    # (6.0.x) read RSS and Atom only: JSON Feed support exists only on its
    # unreleased development branch, so a JSON Feed is checked by the strict
    # JSON Feed 1.1 checker above alone.
    if fmt == "json":
        return {"url": url, "items": items or [], "feed_id": feed_id, "etag": conditional_get(f, where, url, r)}
    parsed = feedparser.parse(r.body, response_headers={k.lower(): v for k, v in r.headers.items()})
    f.check(
        parsed.bozo == 0,
        where,
        f"[feedparser] bozo={parsed.bozo}: {parsed.get('bozo_exception')!r}",
    )
    f.check(parsed.version in FEEDPARSER_VERSIONS[fmt], where, f"[feedparser] read it as {parsed.version!r}, not {FEEDPARSER_VERSIONS[fmt]}")
    f.check(len(parsed.entries) >= 1, where, f"[feedparser] {len(parsed.entries)} entries")
    if items is not None:
        f.check(len(parsed.entries) == len(items), where, f"[feedparser] found {len(parsed.entries)} entries, the strict parse {len(items)}")
        f.check(len(items) >= 1, where, "no item")
    for e in parsed.entries:
        f.check(e.get("id"), where, f"[feedparser] an entry has no id: {e.get('title')!r}")
        f.check(e.get("link"), where, f"[feedparser] an entry has no link: {e.get('title')!r}")

    return {"url": url, "items": items or [], "feed_id": feed_id, "etag": conditional_get(f, where, url, r)}


def conditional_get(f, where, url, r):
    """ETag and If-None-Match: 304 (what every feed reader polls with)."""
    etag = r.header("ETag")
    if f.check(etag, where, "no ETag"):
        again = request("GET", url, headers={"If-None-Match": etag})
        f.check(again.status == 304, where, f"If-None-Match with its ETag gave HTTP {again.status}, not 304")
    return etag


def main(f, state_path, site):
    state = load_state(state_path)
    base = state["base"]
    api = base + "/api/v1"
    filters = state["filters"]

    def listed(kind, query):
        q = dict(query, limit=50)
        r = request("GET", f"{api}/{kind}?{urllib.parse.urlencode(q)}")
        if r.status != 200:
            raise Fatal(f"GET /api/v1/{kind}?{urllib.parse.urlencode(q)}: HTTP {r.status}")
        return [a["slug"] for a in r.json()["data"]]

    public_articles = listed("articles", {})
    feeds_by_filter = {}
    cases = [("articles", {})] + [("articles", {k: v}) for k, v in filters.items()] + [("documents", {})]
    for kind, query in cases:
        got = {fmt: check_feed(f, base, kind, fmt, query) for fmt in ("rss", "atom", "json")}
        label = f"{kind} feeds" + (f" ?{urllib.parse.urlencode(query)}" if query else "")
        if any(v is None for v in got.values()):
            continue
        feeds_by_filter[label] = got
        # The same items, with the same ids and links, in the three formats.
        ids = {fmt: [i for i, _ in got[fmt]["items"]] for fmt in got}
        links = {fmt: [l for _, l in got[fmt]["items"]] for fmt in got}
        f.check(ids["rss"] == ids["atom"] == ids["json"], label, f"RSS, Atom and JSON Feed disagree on the items' ids: {ids}")
        f.check(links["rss"] == links["atom"] == links["json"], label, f"RSS, Atom and JSON Feed disagree on the items' links: {links}")
        # Links to the public site (BANTIN_SITE_URL with the default templates),
        # and the items the JSON API lists for the same filter.
        template = f"{site}/tin-tuc/" if kind == "articles" else f"{site}/van-ban/"
        slugs = []
        for link in links["json"]:
            ok = f.check(isinstance(link, str) and link.startswith(template), label, f"an item's link {link!r} is not an address of the public site ({template}{{slug}})")
            slugs.append(link[len(template):] if ok else None)
        if kind == "documents":
            expected = listed("documents", {})
        elif "organization" in query:
            # "An organization's articles are those about its events or its
            # officials": the JSON API has no such list; the feed's items must
            # at least all be public.
            stray = [s for s in slugs if s not in public_articles]
            f.check(not stray, label, f"items that are not published articles: {stray}")
            continue
        else:
            expected = listed("articles", query)
        f.check(slugs == expected, label, f"the feed's items {slugs} are not what the JSON API lists for the same filter {expected}")

    # Each feed is its own feed: distinct Atom ids.
    atom_ids = {label: got["atom"]["feed_id"] for label, got in feeds_by_filter.items()}
    seen = {}
    for label, fid in atom_ids.items():
        if fid in seen:
            f.fail(label, f"the Atom feed <id> {fid!r} is the same as that of {seen[fid]}: two different feeds, one id (RFC 4287 4.2.6)")
        else:
            seen[fid] = label
    print(f"feeds: {len(feeds_by_filter) * 3} feeds read")


if __name__ == "__main__":
    Findings("feeds").run(lambda f: main(f, *sys.argv[1:3]))
