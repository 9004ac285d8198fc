#!/usr/bin/env python3
"""Webhook delivery latency under a burst: N published articles created as
fast as 8 clients can (each create is a commit), each owed to one hook, and
a receiver on loopback noting when each delivery arrives. Latency from the
commit to the receiver is between (arrival - the create's answer) and
(arrival - the create's request): both are reported, p50/p90/p99/max.
Run by hand, never in CI:

    python3 bench/webhooks.py [N]            # SQLite, N = 1000
    ENGINE=postgres python3 bench/webhooks.py

Uses target/release/bantin (cargo build --release first)."""

import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ENGINE = os.environ.get("ENGINE", "sqlite")
PG_URL = os.environ.get("PG_URL", "postgres://127.0.0.1:5432/test")
PORT = int(os.environ.get("PORT", "18095"))
BIN = os.environ.get("BIN", "target/release/bantin")
CLIENTS = 8
PASSWORD = "mot-mat-khau-du-dai-cho-do-tai"

arrivals = {}  # article id -> arrival time
seen_deliveries = set()
duplicates = []
bad_signatures = []
lock = threading.Lock()
secret = None


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.time()
        parts = dict(p.split("=", 1) for p in self.headers["Bantin-Signature"].split(","))
        expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
        delivery = json.loads(body)
        with lock:
            if not hmac.compare_digest(expected, parts["v1"]):
                bad_signatures.append(delivery["id"])
            if delivery["id"] in seen_deliveries:
                duplicates.append(delivery["id"])
            seen_deliveries.add(delivery["id"])
            arrivals.setdefault(delivery["data"]["id"], now)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    res = conn.getresponse()
    data = res.read()
    return res.status, (json.loads(data) if data else None)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    global secret
    work = tempfile.mkdtemp()
    env = dict(os.environ, BANTIN_DATA_DIR=work, BANTIN_BIND=f"127.0.0.1:{PORT}", BANTIN_LOG="warn",
               BANTIN_WEBHOOK_ALLOW_PRIVATE="true", BANTIN_WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
    schema = None
    if ENGINE == "postgres":
        schema = f"bench_hooks_{os.getpid()}"
        subprocess.run(["psql", PG_URL, "-qc", f"CREATE SCHEMA {schema}"], check=True)
        env["BANTIN_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"
    else:
        env["BANTIN_DATABASE_URL"] = os.path.join(work, "bantin.db")
    for user, role in [("admin", "admin"), ("editor", "editor")]:
        subprocess.run([BIN, "user", "create", "--username", user, "--role", role, "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A listen backlog like a real server's (Python's default of 5 drops
    # connections under a burst, and the client's SYN retry costs a second).
    ThreadingHTTPServer.request_queue_size = 256
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT)
                if call(conn, "GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        tokens = {}
        for user in ["admin", "editor"]:
            _, answer = call(conn, "POST", "/api/v1/auth/login", {"username": user, "password": PASSWORD})
            tokens[user] = answer["access_token"]
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        status, hook = call(conn, "POST", "/api/v1/webhooks",
                            {"name": "bench", "url": url, "events": ["article.published"]}, tokens["admin"])
        assert status == 201, hook
        secret = hook["secret"]

        sent = {}
        answered = {}

        def client(index):
            c = http.client.HTTPConnection("127.0.0.1", PORT)
            for i in range(index, N, CLIENTS):
                body = {"title": f"Tin số {i}: hội nghị giao ban tháng {i % 12 + 1}", "status": "published",
                        "summary": "Tóm tắt", "body": "<p>Nội dung hội nghị giao ban.</p>" * 40,
                        "tags": ["Hội nghị", ["Y tế", "Giáo dục", "Văn hóa"][i % 3]]}
                started = time.time()
                status, article = call(c, "POST", "/api/v1/articles", body, tokens["editor"])
                done = time.time()
                assert status == 201, article
                with lock:
                    sent[article["id"]] = started
                    answered[article["id"]] = done

        burst_start = time.time()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        burst = time.time() - burst_start
        deadline = time.time() + 120
        while len(arrivals) < N and time.time() < deadline:
            time.sleep(0.05)
        drained = time.time() - burst_start
        upper = [(arrivals[a] - sent[a]) * 1000 for a in sent if a in arrivals]
        lower = [(arrivals[a] - answered[a]) * 1000 for a in sent if a in arrivals]
        print(f"== {ENGINE}: {N} articles created by {CLIENTS} clients in {burst:.2f} s "
              f"({N / burst:.0f} creates/s); all delivered {drained:.2f} s after the burst began")
        print(f"delivered {len(arrivals)}/{N}, duplicates {len(duplicates)}, bad signatures {len(bad_signatures)}")
        for name, values in [("from the create's answer", lower), ("from the create's request", upper)]:
            print(f"latency {name:26}: p50 {percentile(values, 50):7.1f} ms  p90 {percentile(values, 90):7.1f} ms  "
                  f"p99 {percentile(values, 99):7.1f} ms  max {max(values):7.1f} ms  (mean {statistics.mean(values):.1f})")
    finally:
        server.terminate()
        server.wait()
        receiver.shutdown()
        if schema:
            subprocess.run(["psql", PG_URL, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=False)


if __name__ == "__main__":
    main()
