"""Puts what the conformance clients need on a fresh bantin with the demo
portal loaded, through the public API only, and writes it down as JSON for
them: an admin access token, a content key (allowed on the browser page's
origin) and an integration key, three published articles for the embed
cards (a landscape photo, a portrait photo, no photo; the photos are
generated here and uploaded to the media library), an official document
with a PDF file, two upcoming events for the iCalendar feed, and the demo's category, tag, official and organization
slugs to narrow the feeds with.

Usage: python setup.py BASE_URL ADMIN_USER ADMIN_PASSWORD PAGE_ORIGIN OUT.json
"""

import datetime as dt
import io
import json
import sys
import uuid

from PIL import Image, ImageDraw

from common import Fatal, Findings, request


def photo(width, height, seed):
    """A JPEG that looks like a photo more than a flat colour: bands, a sun, noise-free."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=(int(40 + 150 * t), int(90 + 60 * (1 - t)), int(160 - 90 * t) + seed))
    r = min(width, height) // 6
    draw.ellipse([width // 3 - r, height // 3 - r, width // 3 + r, height // 3 + r], fill=(250, 220, 90))
    draw.rectangle([0, int(height * 0.72), width, height], fill=(60, 110 + seed, 60))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def multipart(fields, file_field, filename, content, content_type):
    boundary = "----bantin-conformance-" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode("utf-8")
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode("utf-8")
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode("utf-8"))
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main(f, base, user, password, page_origin, out_path):
    api = base + "/api/v1"
    login = f.expect_status(
        request("POST", api + "/auth/login", {"username": user, "password": password}), 200, "POST /auth/login"
    )
    token = login.json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}

    content_key = f.expect_status(
        request(
            "POST",
            api + "/keys",
            {"name": "Trang nhúng tin (kiểm thử)", "kind": "content", "allowed_origins": [page_origin]},
            admin,
        ),
        201,
        "POST /keys (content key)",
    ).json()
    integration_key = f.expect_status(
        request(
            "POST",
            api + "/keys",
            {"name": "Nhập tin từ trình duyệt (kiểm thử)", "kind": "integration", "scopes": ["articles:write"]},
            admin,
        ),
        201,
        "POST /keys (integration key)",
    ).json()
    for key, prefix in ((content_key, "bantin_ck_"), (integration_key, "bantin_ik_")):
        f.check(
            isinstance(key.get("secret"), str) and key["secret"].startswith(prefix),
            "POST /keys",
            f"the secret of a new {key.get('kind')} key should start with {prefix}: {key.get('secret')!r}",
        )

    # The demo's terms to narrow the feeds with: each must have articles.
    articles = f.expect_status(request("GET", api + "/articles?limit=100"), 200, "GET /articles").json()["data"]
    if not articles:
        raise Fatal("the demo portal has no published article")
    category = next(a["category"]["slug"] for a in articles if a.get("category"))
    tag = next(a["tags"][0]["slug"] for a in articles if a.get("tags"))
    official = None
    for o in f.expect_status(request("GET", api + "/officials"), 200, "GET /officials").json()["data"]:
        if request("GET", f"{api}/officials/{o['slug']}/articles").json().get("data"):
            official = o["slug"]
            break
    organization = None
    events = f.expect_status(
        request("GET", api + "/events?from=2000-01-01&include=articles&limit=100"), 200, "GET /events"
    ).json()["data"]
    for e in events:
        if e.get("organization") and e.get("articles"):
            organization = e["organization"]["slug"]
            break
    if not official or not organization:
        raise Fatal(f"the demo portal has no official ({official}) or organization ({organization}) with articles")
    category_id = next(a["category"]["id"] for a in articles if a.get("category"))
    official_id = request("GET", f"{api}/officials/{official}").json()["id"]
    organization_id = request("GET", f"{api}/organizations/{organization}").json()["id"]

    # Photos for the cards, uploaded to the media library.
    media = {}
    for name, (w, h, seed) in {"landscape": (1600, 900, 10), "portrait": (900, 1600, 40)}.items():
        body, ctype = multipart(
            {"caption": f"Ảnh {'ngang' if name == 'landscape' else 'dọc'}: toàn cảnh hội nghị tại hội trường Thị ủy",
             "alt": "Hội trường Thị ủy Hồng Lĩnh"},
            "file",
            f"{name}.jpg",
            photo(w, h, seed),
            "image/jpeg",
        )
        up = f.expect_status(
            request("POST", api + "/media", body, {**admin, "Content-Type": ctype}), 201, f"POST /media ({name})"
        ).json()
        f.check(
            (up.get("width"), up.get("height")) == (w, h),
            f"POST /media ({name})",
            f"a {w}x{h} photo is stored as {up.get('width')}x{up.get('height')}",
        )
        media[name] = up["id"]

    summary = (
        "Sáng nay, Ban Thường vụ Thị ủy Hồng Lĩnh tổ chức hội nghị đánh giá kết quả thực hiện nhiệm vụ "
        "phát triển kinh tế - xã hội 6 tháng đầu năm và triển khai các giải pháp trọng tâm trong những "
        "tháng cuối năm, với sự tham dự của lãnh đạo các phường, xã, cơ quan, đơn vị trên địa bàn thị xã."
    )
    cards = {}
    specs = {
        "landscape": "Hội nghị triển khai nhiệm vụ phát triển kinh tế - xã hội 6 tháng cuối năm của thị xã Hồng Lĩnh",
        "portrait": "Đồng chí Bí thư Thị ủy thăm hỏi, tặng quà gia đình chính sách nhân ngày Thương binh - Liệt sĩ 27/7",
        "none": "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND thị xã Hồng Lĩnh trong tháng tới",
    }
    for name, title in specs.items():
        article = {
            "title": title,
            "summary": summary,
            "body": "<p>Nội dung chi tiết của tin bài, kèm các phát biểu tại hội nghị.</p>",
            "byline": "Ban Tuyên giáo Thị ủy",
            "category_id": category_id,
            "tags": ["Hội nghị giao ban"],
            "official_ids": [official_id],
            "status": "published",
        }
        if name in media:
            article["cover_image"] = {"media_id": media[name], "caption": "Toàn cảnh hội nghị tại hội trường Thị ủy"}
        made = f.expect_status(request("POST", api + "/articles", article, admin), 201, f"POST /articles ({name})").json()
        f.check(made.get("status") == "published", f"POST /articles ({name})", f"status {made.get('status')!r}")
        if name in media:
            cover = made.get("cover_image") or {}
            f.check(
                cover.get("media_id") == media[name] and cover.get("width") and cover.get("height"),
                f"POST /articles ({name})",
                f"cover_image should carry the media item's id and size: {cover!r}",
            )
        cards[name] = {"id": made["id"], "slug": made["slug"]}

    # An official document with its file (a small PDF): the documents feed's
    # enclosure and the document's attachments.
    pdf = io.BytesIO()
    Image.new("RGB", (595, 842), (255, 255, 255)).save(pdf, "PDF")
    body, ctype = multipart({}, "file", "quyet-dinh.pdf", pdf.getvalue(), "application/pdf")
    up = f.expect_status(request("POST", api + "/media", body, {**admin, "Content-Type": ctype}), 201, "POST /media (PDF)").json()
    f.check(up.get("type") == "application/pdf", "POST /media (PDF)", f"type {up.get('type')!r}, not application/pdf")
    document = f.expect_status(
        request(
            "POST",
            api + "/documents",
            {
                "number": "210/QĐ-UBND",
                "type": "decision",
                "issued_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
                "abstract": "Về việc ban hành kế hoạch chuyển đổi số của thị xã (kiểm thử)",
                "issuer_id": organization_id,
                "attachments": [{"media_id": up["id"], "title": "Toàn văn"}],
            },
            admin,
        ),
        201,
        "POST /documents",
    ).json()
    att = (document.get("attachments") or [{}])[0]
    f.check(att.get("media_id") == up["id"] and att.get("url"), "POST /documents", f"the attachment is not the uploaded file: {att!r}")

    # Upcoming events, so that the iCalendar feed's default window has some.
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start = (now + dt.timedelta(days=2)).replace(hour=1, minute=0, second=0)
    upcoming = []
    for ev in (
        {
            "title": "Hội nghị Ban Chấp hành Đảng bộ thị xã mở rộng",
            "description": "Đánh giá tình hình thực hiện nhiệm vụ; bàn giải pháp cho những tháng cuối năm.",
            "starts_at": start.isoformat().replace("+00:00", "Z"),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat().replace("+00:00", "Z"),
            "location": "Hội trường Thị ủy, phường Bắc Hồng",
            "organization_id": organization_id,
            "chairs": [official_id],
        },
        {
            "title": "Ngày hội Đại đoàn kết toàn dân tộc",
            "starts_at": (start + dt.timedelta(days=5)).isoformat().replace("+00:00", "Z"),
            "all_day": True,
            "organization_id": organization_id,
        },
    ):
        made = f.expect_status(request("POST", api + "/events", ev, admin), 201, "POST /events").json()
        upcoming.append({"id": made["id"], "slug": made["slug"], "all_day": bool(ev.get("all_day"))})

    state = {
        "base": base,
        "admin_token": token,
        "content_key": content_key["secret"],
        "integration_key": integration_key["secret"],
        "filters": {"category": category, "tag": tag, "official": official, "organization": organization},
        "cards": cards,
        "events": upcoming,
        "document": {"id": document["id"], "slug": document["slug"]},
    }
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(state, out, ensure_ascii=False, indent=1)
    print(f"setup: filters {state['filters']}, cards {cards}, events {[e['id'] for e in upcoming]}")


if __name__ == "__main__":
    Findings("setup").run(lambda f: main(f, *sys.argv[1:6]))
