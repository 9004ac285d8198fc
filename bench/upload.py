#!/usr/bin/env python3
"""Upload benchmark: what making a photo's variants costs, on photos that
look like a portal's (12-megapixel JPEGs from a phone or a camera, 3-6 MB,
every one different), and what the server's memory does meanwhile.

Starts the release binary on a fresh data directory, signs in, uploads
PHOTOS distinct 4000 x 3000 JPEGs one at a time (latency of each: p50, p99)
and then with CONCURRENCY clients (throughput), reads the server's peak
resident memory (VmHWM) and its resident memory at rest (VmRSS) from
/proc, and prints one JSON line. Each photo is made of smooth gradients,
shapes and sensor-like noise, so it compresses as a photo does (not as
flat colour, not as pure noise). Needs Pillow (pip install pillow).

Usage: bench/upload.py [--photos 30] [--concurrency 2] [--binary target/release/bantin]
"""

import argparse
import concurrent.futures
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from PIL import Image, ImageDraw, ImageFilter


def photo(seed, width=4000, height=3000):
    rnd = random.Random(seed)
    small = Image.new("RGB", (width // 8, height // 8))
    draw = ImageDraw.Draw(small)
    top = tuple(rnd.randrange(80, 200) for _ in range(3))
    bottom = tuple(rnd.randrange(20, 140) for _ in range(3))
    h = height // 8
    for y in range(h):
        t = y / h
        draw.line([(0, y), (width // 8, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(40):
        x, y = rnd.randrange(width // 8), rnd.randrange(height // 8)
        r = rnd.randrange(5, 120)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randrange(256) for _ in range(3)))
    big = small.resize((width, height), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    big = Image.blend(big, noise, 0.12)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=92)
    return out.getvalue()


def form(name, data):
    boundary = "bantin-bench-%d" % random.randrange(1 << 30)
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def upload(base, token, name, data):
    content_type, body = form(name, data)
    req = urllib.request.Request(
        base + "/api/v1/media", data=body, method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": content_type},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as res:
        item = json.load(res)
        assert res.status == 201, res.status
    return time.perf_counter() - started, item


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields.get("VmHWM"), fields.get("VmRSS")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--photos", type=int, default=30)
    args.add_argument("--concurrency", type=int, default=2)
    args.add_argument("--binary", default="target/release/bantin")
    args.add_argument("--port", type=int, default=18095)
    opts = args.parse_args()
    print(f"making {opts.photos * 2} distinct 12-megapixel JPEGs…", file=sys.stderr)
    photos = [photo(seed) for seed in range(opts.photos * 2)]
    sizes = [len(p) for p in photos]
    work = tempfile.mkdtemp()
    env = dict(os.environ, BANTIN_DATA_DIR=work, BANTIN_BIND=f"127.0.0.1:{opts.port}", BANTIN_LOG="warn")
    password = "mot-mat-khau-du-dai-cho-do-dac"
    subprocess.run([opts.binary, "user", "create", "--username", "bench", "--role", "editor", "--password-stdin"],
                   input=password + "\n", text=True, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([opts.binary, "serve"], env=env)
    base = f"http://127.0.0.1:{opts.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"username": "bench", "password": password}).encode(),
                                       headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login))["access_token"]
        rest = memory(server.pid)[1]
        one = []
        for i, data in enumerate(photos[: opts.photos]):
            seconds, item = upload(base, token, f"anh-{i}.jpg", data)
            one.append(seconds)
        variants = len(item["variants"])
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(opts.concurrency) as pool:
            list(pool.map(lambda p: upload(base, token, f"song-song-{p[0]}.jpg", p[1]),
                          enumerate(photos[opts.photos:])))
        elapsed = time.perf_counter() - started
        peak, after = memory(server.pid)
        one.sort()
        print(json.dumps({
            "photos": opts.photos, "width": 4000, "height": 3000,
            "jpeg_mb_mean": round(statistics.mean(sizes) / 1e6, 2),
            "files_per_photo": variants,
            "one_at_a_time_ms": {"p50": round(one[len(one) // 2] * 1000), "p99": round(one[min(len(one) - 1, int(len(one) * 0.99))] * 1000),
                                 "min": round(one[0] * 1000), "max": round(one[-1] * 1000)},
            "concurrent": {"clients": opts.concurrency, "photos_per_s": round(opts.photos / elapsed, 2),
                           "mb_per_s": round(sum(sizes[opts.photos:]) / elapsed / 1e6, 1)},
            "rss_at_rest": rest, "rss_peak": peak, "rss_after": after,
        }))
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
