"""Page throughput of the portal against the ceiling for a page like ours.

Starts the portal under gunicorn (sync workers, one per core) on a seeded
SQLite database, and beside it a minimal Flask app that renders a layout
after one primary-key query with peewee (benchmarks/ceiling_app.py). Measures
requests/s and p50/p99 for GET /login, GET /account (logged in) and the
ceiling, login POST latency beside a bare argon2 verify, and worker memory.
Prints a table with the ratios and the targets.

    .venv/bin/python benchmarks/http_pages.py [--seconds 8] [--rounds 3] [--people 20000]
"""
import argparse
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_PASSWORD = "benchmark lintu lentää"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one measured run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per page, interleaved")
    parser.add_argument("--people", type=int, default=20000, help="people in the seeded database")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    args = parser.parse_args()
    workers = os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        tmp = Path(tmp)
        env = bench_environment(tmp)
        print(f"seeding {args.people} people into {tmp / 'bench.db'} ...", flush=True)
        seed(env, args.people)
        portal_port, ceiling_port = free_port(), free_port()
        servers = [
            gunicorn("wsgi:app", portal_port, workers, env),
            gunicorn("benchmarks.ceiling_app:app", ceiling_port, workers, env),
        ]
        try:
            for port in (portal_port, ceiling_port):
                wait_for(port)
            cookie = log_in(portal_port)
            targets = {
                "GET /login": (portal_port, "/login", None),
                "GET /account": (portal_port, "/account", cookie),
                "ceiling app": (ceiling_port, "/", None),
            }
            for name, (port, path, cook) in targets.items():
                status = request(port, path, cook)[0]
                assert status == 200, f"{name} answered {status}"
            results = {name: [] for name in targets}
            for round_no in range(args.rounds):
                for name, (port, path, cook) in targets.items():
                    load(port, path, cook, 1.0, args.connections)  # warm-up
                    results[name].append(load(port, path, cook, args.seconds, args.connections))
                print(f"round {round_no + 1}/{args.rounds} done", flush=True)
            login_p50, login_p99 = login_latency(portal_port)
            argon_p50 = argon2_verify_time()
            rss = {name: worker_rss(server) for name, server in zip(("portal", "ceiling"), servers, strict=True)}
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)
    report(results, login_p50, login_p99, argon_p50, rss, workers, args)


def bench_environment(tmp):
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_BASE_URL": "https://portal.bench.invalid",
        "PORTAL_SMTP_URL": "smtp://127.0.0.1:9",
        "PORTAL_MAIL_FROM": "bench@bench.invalid",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "PORTAL_INSTANCE_PATH": str(tmp / "instance"),
        "PYTHONPATH": str(ROOT),
    }


def seed(env, people):
    """Migrate and fill the database: `people` members plus the one who logs in."""
    code = f"""
import os
from portal import create_app
from portal.db import database, upgrade
from portal.accounts.models import Account
from portal.people.models import Person
from portal.accounts.passwords import hash_password
from portal import clock
app = create_app()
with app.app_context():
    upgrade()
    shared = hash_password("seeded accounts share one hash {secrets.token_hex(4)}")
    now = clock.now()
    with database.atomic():
        for start in range(0, {people}, 1000):
            rows = [dict(email=f"person{{n}}@bench.invalid", name=f"Person {{n}}", source="bench",
                         status="member", created_at=now, updated_at=now)
                    for n in range(start, min(start + 1000, {people}))]
            Person.insert_many(rows).execute()
        ids = [p.id for p in Person.select(Person.id)]
        for start in range(0, len(ids), 1000):
            Account.insert_many([dict(person=i, username=f"user{{i}}", password_hash=shared,
                                      email_verified_at=now, created_at=now, password_changed_at=now)
                                 for i in ids[start:start + 1000]]).execute()
        me = Person.create(email="bench@bench.invalid", name="Bench Mark", source="bench", status="member")
        Account.create(person=me, username="bench", password_hash=hash_password({BENCH_PASSWORD!r}),
                       email_verified_at=now)
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def gunicorn(app, port, workers, env):
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        env=env, cwd=ROOT, stderr=subprocess.DEVNULL)  # the portal logs every login as JSON


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if request(port, "/healthz")[0] in (200, 404):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def request(port, path, cookie=None, method="GET", body=b"", headers=()):
    """Send one HTTP/1.1 request on a new connection; return (status, headers, body)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    lines.extend(headers)
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1"), payload


def cookies_of(head):
    return "; ".join(m.group(1) for m in re.finditer(r"(?im)^set-cookie: ([^;]+)", head))


def login_form(port):
    status, head, body = request(port, "/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    return cookies_of(head), token


def post_login(port):
    from urllib.parse import urlencode
    cookie, token = login_form(port)
    body = urlencode({"csrf_token": token, "login": "bench", "password": BENCH_PASSWORD}).encode()
    start = time.perf_counter()
    status, head, _ = request(port, "/login", cookie, "POST", body)
    elapsed = time.perf_counter() - start
    assert status == 303, f"login answered {status}"
    return cookies_of(head), elapsed


def log_in(port):
    """Log in and open /account once, as a browser does, keeping the cookie it then holds."""
    cookie = post_login(port)[0]
    status, head, _ = request(port, "/account", cookie)
    assert status == 200, f"/account answered {status}"
    return cookies_of(head) or cookie


def _hammer(job):
    port, path, cookie, seconds, threads = job
    latencies, errors = [], 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run():
        nonlocal errors
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                status = request(port, path, cookie)[0]
            except OSError:
                status = 0
            mine.append(time.perf_counter() - start)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, errors


def load(port, path, cookie, seconds, connections):
    """Run `connections` concurrent clients for `seconds`; return (req/s, p50, p99, errors)."""
    processes = 2 if connections >= 2 else 1
    jobs = [(port, path, cookie, seconds, connections // processes)] * processes
    start = time.monotonic()
    with Pool(processes) as pool:
        parts = pool.map(_hammer, jobs)
    elapsed = time.monotonic() - start
    latencies = sorted(x for part, _ in parts for x in part)
    errors = sum(e for _, e in parts)
    return (len(latencies) / min(elapsed, seconds + 0.5), percentile(latencies, 50),
            percentile(latencies, 99), errors)


def percentile(values, p):
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))
    return values[index]


def login_latency(port, samples=25):
    times = sorted(post_login(port)[1] for _ in range(samples))
    return percentile(times, 50), percentile(times, 99)


def argon2_verify_time(samples=25):
    from argon2 import PasswordHasher
    hasher = PasswordHasher()
    hashed = hasher.hash(BENCH_PASSWORD)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        hasher.verify(hashed, BENCH_PASSWORD)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def worker_rss(master):
    """Return the RSS (MiB) of each gunicorn worker of `master`."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        kib = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(kib / 1024)
    return sizes


def report(results, login_p50, login_p99, argon_p50, rss, workers, args):
    def best(name):
        runs = results[name]
        return max(runs, key=lambda r: r[0])

    ceiling = best("ceiling app")
    print()
    print(f"portal pages vs the ceiling app · gunicorn sync, {workers} worker(s) · "
          f"{args.connections} connections · {args.rounds}×{args.seconds:.0f} s per page · "
          f"{args.people} people seeded · best round shown")
    print(f"{'page':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs ceiling':>12}{'target':>9}")
    for name, target in (("ceiling app", None), ("GET /login", 0.85), ("GET /account", 0.70)):
        rps, p50, p99, errors = best(name)
        ratio = rps / ceiling[0]
        mark = "" if target is None else (f">={target:.0%} " + ("ok" if ratio >= target else "MISSED"))
        print(f"{name:<16}{rps:>9.0f}{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}{errors:>8}{ratio:>11.0%} {mark:>9}")
    ratio = login_p50 / argon_p50
    print(f"login POST p50 {login_p50 * 1000:.1f} ms (p99 {login_p99 * 1000:.1f} ms) vs bare argon2 verify "
          f"{argon_p50 * 1000:.1f} ms: {ratio:.2f}x (target <= 1.15x: {'ok' if ratio <= 1.15 else 'MISSED'})")
    portal_rss = max(rss["portal"]) if rss["portal"] else float("nan")
    print(f"worker RSS: portal {', '.join(f'{x:.0f}' for x in rss['portal'])} MiB, "
          f"ceiling {', '.join(f'{x:.0f}' for x in rss['ceiling'])} MiB "
          f"(target <= 80 MiB: {'ok' if portal_rss <= 80 else 'MISSED'})")


if __name__ == "__main__":
    main()
