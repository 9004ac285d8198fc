// bantin as a web page on another origin uses it, in a real browser:
// Debian's headless Chromium driven by playwright-core (which downloads no
// browser of its own), with a fresh profile.
//
// This script serves a small page itself on PAGE_ORIGIN (the origin
// setup.py allowed the content key on) and a second origin the key is not
// allowed on. From the page's own JavaScript (cross-origin, so every
// request goes through CORS as a portal's would):
//   - reads with the content key (Authorization: Bearer, which needs a
//     preflight, and ?key=, which does not): ETag, Link and RateLimit-*
//     must be readable (Access-Control-Expose-Headers); the Link's next page
//     is followed; If-None-Match gives 304;
//   - the same key from the other origin: 403 origin_not_allowed, readable;
//   - as an admin (a bearer token): POST with an Idempotency-Key twice
//     (Location, ETag and Idempotency-Replayed readable), PATCH with
//     If-Match (the preflight must allow it), a stale If-Match: 412 with its
//     problem+json code;
//   - embed cards: for a landscape photo, a portrait photo and no photo,
//     asks /api/v1/oembed for the card (default width, maxwidth 400 and
//     320, and a small maxheight), puts its html in the page as a consumer
//     does, and checks in each card's frame that nothing is cut: the
//     document's scrollHeight/scrollWidth fit the iframe the oEmbed answer
//     sized, and its last line (the "Đọc tiếp" link) is inside the frame
//     and not covered; and that the answer respects maxwidth/maxheight
//     (the thumbnail too: oEmbed 1.0, section 2.3.4).
// A screenshot of the cards goes to OUT_DIR/cards.png.
//
// Usage: node browser.mjs STATE.json PAGE_PORT OUT_DIR
import http from "node:http";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [statePath, pagePortArg, outDir] = process.argv.slice(2);
if (!statePath || !pagePortArg || !outDir) {
    console.error("usage: node browser.mjs STATE.json PAGE_PORT OUT_DIR");
    process.exit(2);
}
const state = JSON.parse(readFileSync(statePath, "utf8"));
const API = state.base;
const SITE = process.env.BANTIN_SITE_URL || "https://honglinh.hatinh.gov.vn";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(outDir, { recursive: true });

const findings = [];
let checks = 0;
function check(ok, where, what) {
    checks += 1;
    if (!ok) {
        const line = `[chromium] ${where}: ${what}`;
        findings.push(line);
        console.log(`FAIL ${line}`);
    }
    return Boolean(ok);
}
const j = (x) => {
    const s = JSON.stringify(x);
    return s && s.length > 300 ? s.slice(0, 300) + "…" : s;
};

// ---------------------------------------------------------------- the page

// The page's own script: what a portal's developer would write. Each
// function returns plain data for the checks below.
const PAGE_SCRIPT = String.raw`
const API = ${JSON.stringify(API)};
function headersOf(r, names) {
  const out = {};
  for (const n of names) out[n] = r.headers.get(n);
  return out;
}
async function call(url, init) {
  try {
    const r = await fetch(url, { cache: "no-store", ...init });
    let body = null;
    const text = await r.text();
    try { body = text ? JSON.parse(text) : null; } catch { body = text.slice(0, 200); }
    return { ok: true, status: r.status, body,
             headers: headersOf(r, ["etag", "link", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
                                    "location", "idempotency-replayed", "content-type", "x-request-id", "cache-control"]) };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}
window.conformance = {
  async contentKey(key) {
    const out = {};
    out.bearer = await call(API + "/api/v1/articles?limit=2", { headers: { Authorization: "Bearer " + key } });
    out.query = await call(API + "/api/v1/articles?limit=2&key=" + encodeURIComponent(key));
    const link = out.bearer.ok ? out.bearer.headers.link : null;
    const next = link && /<([^>]+)>;\s*rel="next"/.exec(link);
    out.nextUrl = next ? next[1] : null;
    if (out.nextUrl) out.next = await call(out.nextUrl, { headers: { Authorization: "Bearer " + key } });
    if (out.bearer.ok && out.bearer.headers.etag) {
      out.conditional = await call(API + "/api/v1/articles?limit=2",
        { headers: { Authorization: "Bearer " + key, "If-None-Match": out.bearer.headers.etag } });
    }
    return out;
  },
  async writes(token) {
    const auth = { Authorization: "Bearer " + token };
    const key = "browser-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    const body = JSON.stringify({ title: "Tin nháp gửi từ trang nhúng (kiểm thử trình duyệt)", summary: "Nháp.", body: "<p>Nháp.</p>" });
    const post = () => call(API + "/api/v1/articles", { method: "POST", headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": key }, body });
    const out = { key };
    out.first = await post();
    out.replay = await post();
    const id = out.first.ok && out.first.body ? out.first.body.id : null;
    const etag = out.first.ok ? out.first.headers.etag : null;
    if (id != null && etag) {
      out.patch = await call(API + "/api/v1/articles/" + id, { method: "PATCH",
        headers: { ...auth, "Content-Type": "application/json", "If-Match": etag }, body: JSON.stringify({ summary: "Đã sửa từ trình duyệt." }) });
      out.stale = await call(API + "/api/v1/articles/" + id, { method: "PATCH",
        headers: { ...auth, "Content-Type": "application/json", "If-Match": etag }, body: JSON.stringify({ summary: "Ghi đè bản cũ." }) });
      const current = out.patch.ok ? out.patch.headers.etag : null;
      if (current) out.del = await call(API + "/api/v1/articles/" + id, { method: "DELETE", headers: { ...auth, "If-Match": current } });
    }
    return out;
  },
  async oembed(url, params) {
    const q = new URLSearchParams({ url, ...params });
    return call(API + "/api/v1/oembed?" + q);
  },
  // Puts the oEmbed html in the page, as a consumer does, and waits for the frame.
  async place(id, html, label) {
    const box = document.createElement("div");
    box.className = "card";
    box.id = id;
    const caption = document.createElement("p");
    caption.textContent = label;
    box.appendChild(caption);
    const holder = document.createElement("div");
    holder.innerHTML = html;
    box.appendChild(holder);
    document.getElementById("cards").appendChild(box);
    const frame = holder.querySelector("iframe");
    if (!frame) return { ok: false, error: "the oEmbed html has no iframe" };
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 15000);
      frame.addEventListener("load", () => { clearTimeout(t); resolve(); }, { once: true });
    });
    const r = frame.getBoundingClientRect();
    return { ok: true, width: frame.getAttribute("width"), height: frame.getAttribute("height"),
             clientWidth: frame.clientWidth, clientHeight: frame.clientHeight, rectWidth: r.width, rectHeight: r.height,
             scrolling: frame.getAttribute("scrolling") };
  },
};
`;

const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang thử nhúng tin bantin</title>
<style>body{font-family:sans-serif;margin:16px;background:#f4f4f4}#cards{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.card{background:#fff;padding:4px}.card p{margin:0 0 4px;font:12px monospace}</style>
<script>${PAGE_SCRIPT}</script></head>
<body><h1>Tin từ cổng thông tin</h1><div id="cards"></div></body></html>`;

function serve(port) {
    const server = http.createServer((req, res) => {
        if (req.url === "/favicon.ico") {
            res.writeHead(204);
            res.end();
        } else if (req.url === "/" || req.url.startsWith("/?")) {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
            res.end(PAGE);
        } else {
            res.writeHead(404);
            res.end();
        }
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

// ---------------------------------------------------------------- checks

function checkContentKey(r) {
    const w = (s) => `content key from ${PAGE_ORIGIN}: ${s}`;
    for (const [name, res] of [["GET /api/v1/articles?limit=2 (Authorization: Bearer <content key>, preflighted)", r.bearer],
                               ["GET /api/v1/articles?limit=2&key=<content key>", r.query]]) {
        if (!check(res.ok, w(name), `the browser refused the answer (CORS): ${res.error}`)) continue;
        check(res.status === 200, w(name), `HTTP ${res.status}: ${j(res.body)}`);
        check(res.headers.etag, w(name), "ETag is not readable from the page (Access-Control-Expose-Headers)");
        check(res.headers.link && /rel="next"/.test(res.headers.link), w(name), `Link is not readable, or has no rel="next": ${j(res.headers.link)}`);
        check(res.headers["ratelimit-remaining"] !== null && /^\d+$/.test(res.headers["ratelimit-remaining"]), w(name),
            `RateLimit-Remaining is not readable: ${j(res.headers["ratelimit-remaining"])}`);
        check(res.headers["ratelimit-limit"] !== null, w(name), "RateLimit-Limit is not readable");
    }
    if (r.nextUrl !== null) {
        check(r.nextUrl.startsWith(API + "/api/v1/articles?"), w("Link rel=next"), `${r.nextUrl} is not an absolute URL of BANTIN_PUBLIC_URL ${API}`);
        if (check(r.next && r.next.ok, w(`GET ${r.nextUrl}`), `the browser refused it: ${r.next && r.next.error}`)) {
            check(r.next.status === 200 && Array.isArray(r.next.body?.data), w(`GET ${r.nextUrl}`), `HTTP ${r.next.status}`);
        }
    }
    if (r.conditional) {
        check(r.conditional.ok && r.conditional.status === 304, w("If-None-Match: <its ETag> (preflighted)"),
            `HTTP ${r.conditional.status ?? r.conditional.error}, not 304`);
    }
}

function checkOtherOrigin(r, origin) {
    const w = `content key from ${origin} (not in its allowed_origins): GET /api/v1/articles?limit=2`;
    for (const res of [r.bearer, r.query]) {
        if (!check(res.ok, w, `the page cannot read the refusal (no Access-Control-Allow-Origin on it, so fetch fails with "${res.error}"): it cannot tell origin_not_allowed from a network error`)) continue;
        check(res.status === 403 && res.body?.code === "origin_not_allowed", w, `HTTP ${res.status} ${j(res.body)}, not 403 origin_not_allowed`);
    }
}

function checkWrites(r) {
    const w = (s) => `admin token from ${PAGE_ORIGIN}: ${s}`;
    const post = w(`POST /api/v1/articles (Idempotency-Key: ${r.key}, preflighted)`);
    if (!check(r.first.ok, post, `the browser refused it (CORS preflight?): ${r.first.error}`)) return;
    check(r.first.status === 201, post, `HTTP ${r.first.status}: ${j(r.first.body)}`);
    check(r.first.headers.location, post, "Location is not readable");
    check(r.first.headers.etag, post, "ETag is not readable");
    if (check(r.replay.ok, post + " again", `the browser refused it: ${r.replay.error}`)) {
        check(r.replay.status === r.first.status, post + " again", `HTTP ${r.replay.status}, the first was ${r.first.status}`);
        check(r.replay.headers["idempotency-replayed"] === "true", post + " again", `Idempotency-Replayed is ${j(r.replay.headers["idempotency-replayed"])} from the page, not "true"`);
        check(r.replay.body?.id === r.first.body?.id, post + " again", `a second article ${r.replay.body?.id} (first ${r.first.body?.id})`);
    }
    if (!check(r.patch, w("PATCH"), "not tried: no id or ETag from the POST")) return;
    const patch = w(`PATCH /api/v1/articles/${r.first.body.id} (If-Match: ${r.first.headers.etag}, preflighted)`);
    if (check(r.patch.ok, patch, `the browser refused it (the preflight must allow PATCH and If-Match): ${r.patch.error}`)) {
        check(r.patch.status === 200, patch, `HTTP ${r.patch.status}: ${j(r.patch.body)}`);
        check(r.patch.headers.etag && r.patch.headers.etag !== r.first.headers.etag, patch, `the new ETag is not readable or did not change: ${j(r.patch.headers.etag)}`);
    }
    const stale = w(`PATCH /api/v1/articles/${r.first.body.id} (stale If-Match)`);
    if (check(r.stale.ok, stale, `the browser refused it: ${r.stale.error}`)) {
        check(r.stale.status === 412, stale, `HTTP ${r.stale.status}, not 412`);
        check((r.stale.headers["content-type"] || "").startsWith("application/problem+json") && r.stale.body?.code === "precondition_failed",
            stale, `not problem+json with code precondition_failed: ${j(r.stale.headers["content-type"])} ${j(r.stale.body)}`);
    }
    if (r.del) {
        check(r.del.ok && r.del.status === 204, w(`DELETE /api/v1/articles/${r.first.body.id} (If-Match)`), `HTTP ${r.del.status ?? r.del.error}, not 204`);
    }
}

// In the card's frame (the embed page's own origin): is everything in it?
function measureCard() {
    const doc = document.documentElement;
    const links = [...document.querySelectorAll("a")];
    const more = links.filter((a) => a.textContent.trim() === "Đọc tiếp").pop() || null;
    const out = {
        scrollHeight: doc.scrollHeight, scrollWidth: doc.scrollWidth,
        bodyScrollHeight: document.body ? document.body.scrollHeight : null,
        innerWidth: window.innerWidth, innerHeight: window.innerHeight,
        more: null, images: [],
        title: (document.querySelector("h1") || {}).textContent || null,
    };
    for (const img of document.images) {
        out.images.push({ src: img.currentSrc || img.src, complete: img.complete, naturalWidth: img.naturalWidth,
                          width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height });
    }
    if (more) {
        const r = more.getBoundingClientRect();
        const x = Math.min(Math.max(r.left + Math.min(r.width, 20) / 2, 0), window.innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1);
        const hit = document.elementFromPoint(x, y);
        // Clipped by an ancestor with overflow hidden?
        let clipped = false;
        for (let el = more.parentElement; el && el !== document.body; el = el.parentElement) {
            const cs = getComputedStyle(el);
            if (cs.overflow !== "visible" || cs.overflowY !== "visible") {
                const pr = el.getBoundingClientRect();
                if (r.bottom > pr.bottom + 0.5 || r.top < pr.top - 0.5) clipped = true;
            }
        }
        const cs = getComputedStyle(more);
        out.more = { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
                     hitIsLink: !!hit && (hit === more || more.contains(hit)), clipped,
                     visibility: cs.visibility, display: cs.display, opacity: cs.opacity };
    }
    return out;
}

const CARD_SIZES = [
    { label: "default", params: {} },
    { label: "maxwidth=400", params: { maxwidth: "400" } },
    { label: "maxwidth=320", params: { maxwidth: "320" } },
    { label: "maxwidth=320&maxheight=240", params: { maxwidth: "320", maxheight: "240" } },
];

async function checkCards(page) {
    const results = [];
    let n = 0;
    for (const [kind, card] of Object.entries(state.cards)) {
        const articleUrl = `${SITE}/tin-tuc/${card.slug}`;
        for (const size of CARD_SIZES) {
            const where = `embed card (${kind} photo) GET /api/v1/oembed?url=${articleUrl}&${new URLSearchParams(size.params)}`;
            const o = await page.evaluate(([u, p]) => window.conformance.oembed(u, p), [articleUrl, size.params]);
            if (!check(o.ok, where, `the browser refused the oEmbed answer: ${o.error}`)) continue;
            if (!check(o.status === 200, where, `HTTP ${o.status}: ${j(o.body)}`)) continue;
            const e = o.body;
            check(e.version === "1.0" && e.type === "rich", where, `version ${j(e.version)}, type ${j(e.type)}`);
            check(Number.isInteger(e.width) && Number.isInteger(e.height) && e.width > 0 && e.height > 0, where, `width ${j(e.width)}, height ${j(e.height)}: a rich answer needs both (oEmbed 2.3.4.4)`);
            const maxw = size.params.maxwidth ? Number(size.params.maxwidth) : null;
            const maxh = size.params.maxheight ? Number(size.params.maxheight) : null;
            if (maxw) check(e.width <= maxw, where, `width ${e.width} is over maxwidth ${maxw}`);
            if (maxh) check(e.height <= maxh, where, `height ${e.height} is over maxheight ${maxh}`);
            if (e.thumbnail_url !== undefined) {
                check(e.thumbnail_width !== undefined && e.thumbnail_height !== undefined, where, "thumbnail_url without thumbnail_width and thumbnail_height (oEmbed 2.3.4)");
                if (maxw) check(e.thumbnail_width <= maxw, where, `thumbnail_width ${e.thumbnail_width} is over maxwidth ${maxw}: "The thumbnail must respect any maxwidth and maxheight parameters" (oEmbed 1.0, 2.3.4)`);
                if (maxh) check(e.thumbnail_height <= maxh, where, `thumbnail_height ${e.thumbnail_height} is over maxheight ${maxh}: "The thumbnail must respect any maxwidth and maxheight parameters" (oEmbed 1.0, 2.3.4)`);
            }
            const id = `card-${kind}-${n++}`;
            const placed = await page.evaluate(([i, h, l]) => window.conformance.place(i, h, l), [id, e.html, `${kind} · ${size.label} · ${e.width}×${e.height}`]);
            if (!check(placed.ok, where, placed.error)) continue;
            check(Number(placed.width) === e.width && Number(placed.height) === e.height, where,
                `the iframe in html is ${placed.width}×${placed.height}, the answer says ${e.width}×${e.height}`);
            check(Math.round(placed.rectWidth) === e.width && Math.round(placed.rectHeight) === e.height, where,
                `the iframe is laid out at ${placed.rectWidth}×${placed.rectHeight}, not ${e.width}×${e.height}`);
            const handle = await page.$(`#${id} iframe`);
            const frame = handle && (await handle.contentFrame());
            if (!check(frame, where, "no frame for the iframe")) continue;
            const m = await frame.evaluate(measureCard);
            results.push({ kind, size: size.label, oembed: { width: e.width, height: e.height }, frame: m });
            const fw = `${where} → ${e.width}×${e.height} frame`;
            check(m.scrollHeight <= e.height, fw, `the card's document is ${m.scrollHeight} px high, the iframe ${e.height}: ${m.scrollHeight - e.height} px are cut off (scrolling="no")`);
            check(m.scrollWidth <= e.width, fw, `the card's document is ${m.scrollWidth} px wide, the iframe ${e.width}`);
            if (check(m.more, fw, "no \"Đọc tiếp\" link in the card")) {
                const visible = m.more.top >= 0 && m.more.bottom <= m.innerHeight + 0.5 && m.more.right <= m.innerWidth + 0.5 &&
                    m.more.height > 0 && !m.more.clipped && m.more.hitIsLink && m.more.visibility === "visible" && m.more.display !== "none";
                check(visible, fw, `the last line ("Đọc tiếp") is not fully visible: link box ${Math.round(m.more.top)}–${Math.round(m.more.bottom)} px in a ${m.innerHeight} px frame` +
                    `${m.more.clipped ? ", clipped by its box" : ""}${m.more.hitIsLink ? "" : ", covered or outside"}`);
            }
            // With a maxheight too small for the whole card the server answers its
            // compact card (title, date, link: src/feeds/embed.rs), by design.
            if (kind !== "none" && !maxh) {
                const img = m.images[0];
                if (check(img, fw, "a card for an article with a photo shows no photo")) {
                    check(img.complete && img.naturalWidth > 0, fw, `the photo did not load: ${j(img.src)}`);
                }
            }
        }
    }
    return results;
}

// ---------------------------------------------------------------- main

const PAGE_PORT = Number(pagePortArg);
const PAGE_ORIGIN = `http://127.0.0.1:${PAGE_PORT}`;
const pageServer = await serve(PAGE_PORT);
const otherServer = await serve(0);
const OTHER_ORIGIN = `http://127.0.0.1:${otherServer.address().port}`;

const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    timeout: 60000,
});
const consoleErrors = [];
try {
    console.log(`browser: ${browser.version()} (${CHROMIUM}); page ${PAGE_ORIGIN}, other origin ${OTHER_ORIGIN}, API ${API}`);
    const context = await browser.newContext({ viewport: { width: 1400, height: 2400 }, locale: "vi-VN" });
    const page = await context.newPage();
    page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(`${msg.location().url || "page"}: ${msg.text()}`); });
    page.on("pageerror", (err) => consoleErrors.push(`page error: ${err.message}`));
    page.setDefaultTimeout(30000);

    await page.goto(PAGE_ORIGIN + "/");
    const ck = await page.evaluate((k) => window.conformance.contentKey(k), state.content_key);
    checkContentKey(ck);
    const writes = await page.evaluate((t) => window.conformance.writes(t), state.admin_token);
    checkWrites(writes);
    const cards = await checkCards(page);
    await page.screenshot({ path: join(outDir, "cards.png"), fullPage: true });

    const other = await context.newPage();
    await other.goto(OTHER_ORIGIN + "/");
    const refused = await other.evaluate((k) => window.conformance.contentKey(k), state.content_key);
    checkOtherOrigin(refused, OTHER_ORIGIN);
    await other.close();

    // Errors the browser logged on the page or in a card (CORS, CSP, a missing image)
    // other than those the refused-origin test provokes on purpose.
    // Chromium logs every 4xx a script fetched; the stale If-Match's 412 is one on purpose.
    const unexpected = consoleErrors.filter((e) => !e.includes(OTHER_ORIGIN) && !/status of 412 \(Precondition Failed\)/.test(e));
    check(unexpected.length === 0, "console", `the browser logged errors: ${j(unexpected.slice(0, 5))}`);
    for (const c of cards) {
        console.log(`card ${c.kind} ${c.size}: oEmbed ${c.oembed.width}×${c.oembed.height}, document ${c.frame.scrollWidth}×${c.frame.scrollHeight}, "Đọc tiếp" at ${c.frame.more ? Math.round(c.frame.more.bottom) : "-"} px`);
    }
} catch (e) {
    check(false, "stopped", e && e.stack ? e.stack : String(e));
} finally {
    await browser.close().catch(() => {});
    pageServer.close();
    otherServer.close();
}
const failed = findings.length;
console.log(`chromium: ${checks - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
