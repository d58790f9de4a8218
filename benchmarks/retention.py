"""Retention at scale: one full run of every rule over 1,000,000 people in SQLite.

Builds the database through the migrations and fills it in bulk: people with
consent histories (some withdrawn years ago, some who withdrew everything),
accounts and sign-in sessions (half of them ended), orders with their lines,
billing details, invoices and payment events over ten years, delivered mail,
email tokens, pending sign-ups and the relationship log. Then, in a fresh
process so that its memory is the run's own, it times a dry run and a full
run of `retention.service.run` (target < 60 s) and prints the process's peak
memory (resource.getrusage) and the peak of Python's own allocations
(tracemalloc, measured in a second run on a fresh copy).

    .venv/bin/python benchmarks/retention.py [--people 1000000] [--keep PATH]
"""
import argparse
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 10_000


def environment(path, instance):
    """Return the settings of a portal on the benchmark database."""
    return {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "retention benchmark secret, not for real use",
            "PORTAL_BASE_URL": "https://portal.bench.invalid", "PORTAL_SMTP_URL": "smtp://127.0.0.1:9",
            "PORTAL_MAIL_FROM": "bench@bench.invalid", "PORTAL_DATABASE_URL": f"sqlite:///{path}",
            "PORTAL_INSTANCE_PATH": str(instance)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build (or reuse) the database at this path; runs use a copy of it")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: run on this copy
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(Path(args.measure), args.trace)
    with tempfile.TemporaryDirectory(prefix="portal-retention-") as tmp:
        template = Path(args.keep) if args.keep else Path(tmp) / "template.db"
        if not (args.keep and template.exists()):
            build(template, Path(tmp) / "instance", args.people)
        for trace in (False, True):
            copy = Path(tmp) / "run.db"
            shutil.copy(template, copy)
            subprocess.run([sys.executable, __file__, "--measure", str(copy)] + (["--trace"] if trace else []),
                           check=True)
            copy.unlink()


def build(path, instance, people):
    """Migrate and fill the database in bulk; print what it holds."""
    os.environ.update(environment(path, instance))
    from portal import create_app
    app = create_app()
    with app.app_context():
        from portal.db import database, upgrade
        database.connect(reuse_if_open=True)
        started = time.perf_counter()
        upgrade()
        with app.test_request_context():
            fill(database, people)
        database.execute_sql("ANALYZE")
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes = {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in ("person", "account", "login_session", "consent_event", "consent", "sales_order",
                           "order_line", "invoice", "outbox_message", "interaction")}
        print(f"built in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{n:,} {t}" for t, n in sizes.items()), flush=True)
        database.close()


def fill(database, people):
    """Write the people and everything about them, 10,000 at a time."""
    from portal import clock
    from portal.consents.service import consent_wording
    from portal.people.models import address_hash

    rng = random.Random(2026)
    now = clock.now()
    ago = lambda days: (now - dt.timedelta(days=days)).isoformat(" ")  # noqa: E731
    wordings = {p: consent_wording(p, "fi") for p in ("newsletter", "marketing", "tracking")}
    stories = [  # (share, [(purpose, action, days ago)])
        (40, [("newsletter", "granted", 400)]),
        (20, [("newsletter", "granted", 2000), ("marketing", "granted", 2000), ("marketing", "withdrawn", 1500)]),
        (15, [("newsletter", "granted", 900), ("newsletter", "withdrawn", 300), ("marketing", "granted", 300)]),
        (8, [("tracking", "granted", 2500), ("tracking", "withdrawn", 1400), ("newsletter", "granted", 2500)]),
        (2, [("newsletter", "granted", 1800), ("newsletter", "withdrawn", 1300)]),  # withdrew everything
        (15, [("newsletter", "granted", 100), ("marketing", "granted", 100)]),
    ]
    weights = [share for share, _ in stories]
    event_id = order_id = 0
    database.execute_sql("PRAGMA synchronous = OFF")  # bulk load only; the portal runs with NORMAL
    print(f"building {people:,} people ...", flush=True)
    for start in range(1, people + 1, BATCH):
        ids = range(start, min(start + BATCH, people + 1))
        rows = {name: [] for name in ("person", "account", "session", "token", "event", "consent", "order",
                                      "line", "billing", "invoice", "payment", "outbox", "pending", "interaction")}
        for i in ids:
            email = f"person{i}@bench.invalid"
            has_account = i % 3 == 0
            rows["person"].append((i, email, f"Person {i}", "fi", "newsletter_signup",
                                   "member" if has_account else "subscriber", ago(2600), ago(2600),
                                   address_hash(email)))
            if has_account:
                unverified = i % 600 == 0
                rows["account"].append((i, i, f"user{i}", "x", "member", "active",
                                        None if unverified else ago(2000), ago(30 if unverified else 2000),
                                        ago(2000)))
                ended = i % 2 == 0
                rows["session"].append((i, f"{i:064x}", ago(40 if ended else 0), ago(35 if ended else 0),
                                        ago(5) if ended else ago(-1), 1))
                if i % 30 == 0:
                    rows["token"].append((i, "reset_password", f"t{i:063x}", ago(3), ago(2)))
            story = rng.choices(stories, weights)[0][1]
            last = {}
            for purpose, action, days in story:
                event_id += 1
                rows["event"].append((event_id, i, purpose, action, "consent", ago(days), "form", "newsletter",
                                      wordings.get(purpose) if action == "granted" else None, "2025-12-21",
                                      ago(days) if action == "granted" else None, "192.0.2.0/24"))
                last[purpose] = (action, days, event_id)
            for purpose, (action, days, eid) in last.items():
                rows["consent"].append((i, purpose, action, ago(days), eid))
            if i % 5 == 0:
                order_id += 1
                days = rng.randrange(1, 3650)
                rows["order"].append((order_id, i, f"{order_id:016x}", "paid", "shop", 4990, 1014, "EUR",
                                      ago(days), ago(days)))
                rows["line"].append((order_id, "Webinaari", 1, 4990, 2550, 4990, 1014))
                rows["billing"].append((order_id, f"Person {i}", "Katu 1", "00100", "Helsinki", "FI"))
                issued = now - dt.timedelta(days=days)
                rows["invoice"].append((order_id, issued.year, order_id, f"{issued.year}-{order_id:07d}",
                                        ago(days), "MT Business Coaching Oy", "Hämeenpuisto 14 A 2, 33210 Tampere",
                                        "3166661-4", 4990, 1014))
                rows["payment"].append((f"evt_{order_id}", "payment.succeeded", order_id, "paid", ago(days)))
            if i % 10 < 3:
                days = rng.randrange(1, 365)
                rows["outbox"].append((i, email, "newsletter_welcome", "fi", "sent", 1, ago(days), ago(days),
                                       ago(days), f"<{i}@bench.invalid>"))
            if i % 50 == 0:
                rows["pending"].append((f"new{i}@bench.invalid", "fi", "form", "newsletter", "[]", "2025-12-21",
                                        f"p{i:063x}", ago(i % 14), ago(i % 14 - 3)))
            if i % 20 == 0:
                rows["interaction"].append((i, "free_material_sent", "opas.pdf", ago(rng.randrange(1, 3650))))
        insert(database, rows)
        if start % 100_000 == 1:
            print(f"  {start - 1 + len(ids):,} people, {event_id:,} consent events, {order_id:,} orders", flush=True)
    database.execute_sql("PRAGMA synchronous = NORMAL")


SQL = {
    "person": "INSERT INTO person (id, email, name, language, source, status, created_at, updated_at, email_hash) "
              "VALUES (?,?,?,?,?,?,?,?,?)",
    "account": "INSERT INTO account (id, person_id, username, password_hash, role, state, email_verified_at, "
               "created_at, password_changed_at) VALUES (?,?,?,?,?,?,?,?,?)",
    "session": "INSERT INTO login_session (account_id, token_hash, created_at, last_seen_at, expires_at, remember, "
               "device, network) VALUES (?,?,?,?,?,?,'','')",
    "token": "INSERT INTO email_token (person_id, purpose, token_hash, created_at, expires_at) VALUES (?,?,?,?,?)",
    "event": "INSERT INTO consent_event (id, person_id, purpose, action, basis, occurred_at, source_kind, source, "
             "wording_id, notice_version, confirmed_at, network) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    "consent": "INSERT INTO consent (person_id, purpose, state, updated_at, event_id) VALUES (?,?,?,?,?)",
    "order": "INSERT INTO sales_order (id, person_id, reference, status, source, total_cents, vat_cents, currency, "
             "created_at, paid_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "line": "INSERT INTO order_line (order_id, description, quantity, unit_price_cents, vat_rate_bp, total_cents, "
            "vat_cents) VALUES (?,?,?,?,?,?,?)",
    "billing": "INSERT INTO billing_details (order_id, name, street, postal_code, city, country) "
               "VALUES (?,?,?,?,?,?)",
    "invoice": "INSERT INTO invoice (order_id, year, sequence, number, issued_at, seller_name, seller_address, "
               "seller_business_id, total_cents, vat_cents) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "payment": "INSERT INTO payment_event (event_id, kind, order_id, outcome, received_at) VALUES (?,?,?,?,?)",
    "outbox": "INSERT INTO outbox_message (person_id, to_address, template, language, status, attempts, "
              "next_attempt_at, created_at, sent_at, message_id, purge_after_sending) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,0)",
    "pending": "INSERT INTO pending_signup (email, language, source_kind, source, grants, notice_version, "
               "token_hash, created_at, expires_at, name, network) VALUES (?,?,?,?,?,?,?,?,?,'','')",
    "interaction": "INSERT INTO interaction (person_id, kind, detail, occurred_at) VALUES (?,?,?,?)",
}


def insert(database, rows):
    """Write one batch of every table in one transaction."""
    with database.atomic():
        cursor = database.cursor()
        for name, sql in SQL.items():
            if rows[name]:
                cursor.executemany(sql, rows[name])


def measure(path, trace):
    """Time a dry run and a full run on the database at `path`; print the figures."""
    os.environ.update(environment(path, path.parent / "instance"))
    from portal import create_app
    app = create_app()
    with app.test_request_context():
        from portal.db import database
        from portal.retention.service import run
        database.connect(reuse_if_open=True)
        people = database.execute_sql("SELECT COUNT(*) FROM person").fetchone()[0]
        if trace:
            tracemalloc.start()
            run(apply=True)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{'peak Python allocations during a run (tracemalloc)':<58}{peak / 2**20:>10.1f} MiB")
            return
        started = time.perf_counter()
        report = run(apply=False)
        dry = time.perf_counter() - started
        timings = time_each_rule()
        started = time.perf_counter()
        done = run(apply=True)
        full = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"retention at scale · SQLite · {people:,} people")
    for section in done:
        if section.total:
            print(f"  {section.key:<16} removed {section.total:>9,}")
    print("  time per rule: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    print(f"{'dry run (counts only)':<58}{dry:>10.1f} s")
    print(f"{'full run (removes ' + format(sum(s.total for s in report), ',') + ' rows)':<58}{full:>10.1f} s"
          f"   target < 60 s: {'met' if full < 60 else 'MISSED'}")
    print(f"{'peak memory of the process (ru_maxrss)':<58}{rss:>10.1f} MiB")


def time_each_rule():
    """Make the run record how long each rule takes; return the dict it fills."""
    from portal.retention import rules, service
    timings = {}

    def timed(rule):
        def wrapper(ctx, apply):
            started = time.perf_counter()
            try:
                return rule(ctx, apply)
            finally:
                timings[rule.__name__] = time.perf_counter() - started
        return wrapper

    service.RULES = tuple(timed(rule) for rule in rules.RULES)
    return timings


if __name__ == "__main__":
    main()
