"""Staff pages at scale: 1,000,000 people in SQLite.

Builds the database through the migrations and fills it in bulk (names,
accounts for a third, newsletter consent for most), signs in an admin who
has passed the second factor, and measures the server time of the people
list in-process (the whole request: access checks, query, page):

- the first page, a deep keyset page, a prefix search and a filtered search
  (target p95 < 50 ms each);
- importing 100,000 subscribers from a CSV (target < 5 s, listmonk reports
  about 10,000 rows/s).

    .venv/bin/python benchmarks/admin_scale.py [--people 1000000] [--keep PATH]
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "benchmark lintu lentää"
FIRST = ["Aino", "Eino", "Matti", "Maija", "Liisa", "Juha", "Sari", "Pekka", "Tiina", "Ville", "Äijö", "Örjan",
         "Helmi", "Oskari", "Emma", "Leevi", "Sofia", "Onni", "Aada", "Elias"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
        "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build (or reuse) the database at this path")
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-admin-") as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "admin.db"
        os.environ.update({
            "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "admin benchmark secret, not for real use at all",
            "PORTAL_BASE_URL": "https://portal.bench.invalid", "PORTAL_SMTP_URL": "smtp://127.0.0.1:9",
            "PORTAL_MAIL_FROM": "bench@bench.invalid", "PORTAL_DATABASE_URL": f"sqlite:///{path}",
            "PORTAL_INSTANCE_PATH": str(Path(tmp) / "instance")})
        from portal import create_app
        from portal.db import database
        app = create_app()
        with app.app_context():
            database.connect(reuse_if_open=True)
            count = _count(database)
            if count < args.people:
                build(app, database, args.people)
        client, ids = sign_in_admin(app)
        report_pages(client, ids, args.people)
        report_import(app, Path(tmp), args.import_rows)


def _count(database):
    try:
        return database.execute_sql("SELECT COUNT(*) FROM person").fetchone()[0]
    except Exception:
        return 0


def build(app, database, people):
    """Migrate and fill the database in bulk."""
    from portal.accounts.passwords import hash_password
    from portal.consents.service import consent_wording
    from portal.db import upgrade
    from portal.people.models import address_hash, name_key
    started = time.perf_counter()
    upgrade()
    rng = random.Random(2026)
    with app.test_request_context():
        wording = consent_wording("newsletter", "fi")
    shared = hash_password("seeded accounts share one hash")
    now = "2026-11-01 12:00:00"
    database.execute_sql("PRAGMA synchronous = OFF")
    print(f"building {people:,} people ...", flush=True)
    for start in range(1, people + 1, 10_000):
        ids = range(start, min(start + 10_000, people + 1))
        with database.atomic():
            rows = []
            for i in ids:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = f"{name.split()[0].lower()}.{i}@bench.invalid"
                rows.append((i, email, name, name_key(name), "fi", "newsletter_signup",
                             rng.choice(("subscriber", "member", "customer", "prospect")), now, now,
                             address_hash(email), now if i % 500 == 0 else None))
            database.cursor().executemany(
                "INSERT INTO person (id, email, name, name_key, language, source, status, created_at, updated_at, "
                "email_hash, restricted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            database.cursor().executemany(
                "INSERT INTO account (person_id, username, password_hash, role, state, email_verified_at, "
                "created_at, password_changed_at) VALUES (?,?,?,?,?,?,?,?)",
                [(i, f"user{i}", shared, "member", "suspended" if i % 211 == 0 else
                  ("pending_approval" if i % 307 == 0 else "active"), None if i % 97 == 0 else now, now, now)
                 for i in ids if i % 3 == 0])
            events = [(i, "newsletter", "granted", "consent", now, "form", "newsletter", wording, "2025-12-21",
                       now, "") for i in ids if i % 5 != 0]
            cursor = database.cursor()
            cursor.executemany(
                "INSERT INTO consent_event (person_id, purpose, action, basis, occurred_at, source_kind, source, "
                "wording_id, notice_version, confirmed_at, network) VALUES (?,?,?,?,?,?,?,?,?,?,?)", events)
            last = database.execute_sql("SELECT MAX(id) FROM consent_event").fetchone()[0]
            database.cursor().executemany(
                "INSERT INTO consent (person_id, purpose, state, updated_at, event_id) VALUES (?,?,?,?,?)",
                [(e[0], "newsletter", "granted", now, last) for e in events])
        if start % 200_000 == 1:
            print(f"  {start - 1 + len(ids):,} people", flush=True)
    database.execute_sql("PRAGMA synchronous = NORMAL")
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {people:,} people in {time.perf_counter() - started:.0f} s", flush=True)


def sign_in_admin(app):
    """Create an admin with an authenticator, sign in and pass the second factor; return the client."""
    import pyotp

    from portal import clock
    from portal.accounts.models import Account
    from portal.accounts.passwords import hash_password
    from portal.crypto import encrypt
    from portal.people.models import Person
    secret = pyotp.random_base32()
    with app.test_request_context():
        person = Person.get_or_none(Person.email == "bench-admin@bench.invalid") or Person.create(
            email="bench-admin@bench.invalid", name="Bench Admin", source="bench", status="member")
        Account.delete().where(Account.person == person).execute()
        Account.create(person=person, username="benchadmin", role="admin", email_verified_at=clock.now(),
                       password_hash=hash_password(PASSWORD), totp_secret=encrypt("totp", secret.encode()),
                       totp_enabled_at=clock.now())
    client = app.test_client()
    token = lambda html: re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # noqa: E731
    page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"login": "benchadmin", "password": PASSWORD,
                                       "csrf_token": token(page)}).status_code == 303
    page = client.get("/admin/2fa").get_data(as_text=True)
    assert client.post("/admin/2fa", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token(page),
                                            "next": "/admin"}).status_code == 303
    page = client.get("/admin/people").get_data(as_text=True)
    return (client, token(page)), None


def timed(call, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def report_pages(client_token, _ids, people):
    (client, csrf), _ = client_token, None
    from portal.staff.people import encode_cursor

    def post(**data):
        return lambda: client.post("/admin/people", data={"csrf_token": csrf, **data}, headers={"HX-Request": "true"})

    cases = [
        ("first page (newest first)", post()),
        ("deep keyset page (around the middle)", post(cursor=encode_cursor([people // 2, people // 2]))),
        ("prefix search 'maij' (email, name, username)", post(q="maij")),
        ("prefix search 'mäkinen' by name, sorted by name", post(q="mäkinen", sort="name")),
        ("filtered: subscribers reachable for newsletter, 'ai'", post(q="ai", status="subscriber",
                                                                     purpose="newsletter")),
        ("filtered: waiting for approval", post(state="pending_approval")),
        ("filtered: processing restricted", post(state="restricted")),
    ]
    for _, call in cases:  # warm up
        call()
    print()
    print(f"staff people list at scale · SQLite · {people:,} people · in-process server time, 100 requests each")
    print(f"{'request':<56}{'p50 ms':>9}{'p95 ms':>9}{'target':>14}")
    for name, call in cases:
        p50, p95 = timed(call, 100)
        print(f"{name:<56}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{'p95 < 50 ms':>14} {'ok' if p95 < 0.05 else 'MISSED'}")


def report_import(app, tmp, rows):
    from portal.imports.service import run
    path = tmp / "import.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("email,name,consent_date,consent_source,purposes\n")
        for n in range(rows):
            fh.write(f"tuotu{n}@tuonti.example.fi,Tuotu Tilaaja {n},2025-05-01,Messulomake 2025,newsletter\n")
    with app.test_request_context():
        start = time.perf_counter()
        dry = run(path, dry_run=True)
        dry_s = time.perf_counter() - start
        start = time.perf_counter()
        done = run(path, dry_run=False)
        real_s = time.perf_counter() - start
    assert dry.imported == done.imported == rows, (dry.imported, done.imported, dry.problems[:3])
    print(f"import {rows:,} rows: dry run {dry_s:.1f} s ({rows / dry_s:,.0f} rows/s), "
          f"import {real_s:.1f} s ({rows / real_s:,.0f} rows/s) (target < 5 s: {'ok' if real_s < 5 else 'MISSED'})")


if __name__ == "__main__":
    main()
