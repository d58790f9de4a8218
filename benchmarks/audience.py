"""The consent ledger at scale: 1,000,000 people and 10,000,000 consent events in SQLite.

Builds the database through the migrations, fills it in bulk (about ten events
per person across the register's purposes, some accounts, restrictions and
suppressed addresses), then measures with the portal's own code:

- counting and streaming the audience reachable for a purpose
  (`Person.reachable_for`; target < 1 s to count),
- one member's consent page, server time in-process (target < 20 ms),
- the ledger's insert rate through `consents.service.record`.

    .venv/bin/python benchmarks/audience.py [--people 1000000] [--keep PATH]
"""
import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "benchmark lintu lentää"

# Each person's story, purpose by purpose: the events in order (the last one is the state).
STORIES = [  # ten events each
    {"newsletter": ["granted"], "marketing": ["granted"], "tracking": ["granted", "withdrawn", "granted"],
     "free_materials": ["granted", "withdrawn"], "community": ["objected", "withdrawn"], "profiles": ["objected"]},
    {"newsletter": ["granted", "withdrawn", "granted"], "marketing": ["granted", "withdrawn"],
     "tracking": ["granted"], "free_materials": ["granted"], "community": ["objected"],
     "profiles": ["objected", "withdrawn"]},
    {"newsletter": ["granted", "withdrawn"], "marketing": ["granted", "objected"],
     "tracking": ["granted", "withdrawn"], "free_materials": ["granted", "withdrawn"],
     "community": ["objected"], "profiles": ["objected"]},
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", help="build (or reuse) the database at this path instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-audience-") as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "audience.db"
        os.environ.update({
            "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "audience benchmark secret, not for real use",
            "PORTAL_BASE_URL": "https://portal.bench.invalid", "PORTAL_SMTP_URL": "smtp://127.0.0.1:9",
            "PORTAL_MAIL_FROM": "bench@bench.invalid", "PORTAL_DATABASE_URL": f"sqlite:///{path}",
            "PORTAL_INSTANCE_PATH": str(Path(tmp) / "instance")})
        from portal import create_app
        app = create_app()
        with app.app_context():
            from portal.db import database
            database.connect(reuse_if_open=True)
            if not (args.keep and path.exists() and _people(database) >= args.people):
                build(app, database, args.people)
            report(app, database, args.people)


def _people(database):
    try:
        return database.execute_sql("SELECT COUNT(*) FROM person").fetchone()[0]
    except Exception:
        return 0


def build(app, database, people):
    """Migrate and fill the database in bulk; print how long it took."""
    from portal.accounts.passwords import hash_password
    from portal.consents.service import consent_wording
    from portal.db import upgrade
    from portal.people.models import address_hash

    started = time.perf_counter()
    upgrade()
    rng = random.Random(2026)
    with app.test_request_context():
        wordings = {p: consent_wording(p, "fi") for p in ("newsletter", "marketing", "tracking", "free_materials")}
    basis = {"newsletter": "consent", "marketing": "consent", "tracking": "consent",
             "free_materials": "consent", "community": "legitimate_interest",
             "profiles": "legitimate_interest"}
    shared_hash = hash_password("seeded accounts share one hash " + secrets.token_hex(4))
    now = "2026-11-01 12:00:00"
    print(f"building {people:,} people ...", flush=True)
    database.execute_sql("PRAGMA synchronous = OFF")  # bulk load only; the portal runs with NORMAL
    events = consents = 0
    for start in range(1, people + 1, 10_000):
        ids = range(start, min(start + 10_000, people + 1))
        with database.atomic():
            rows = [(i, f"person{i}@bench.invalid", f"Person {i}", "fi", "newsletter_signup", "subscriber",
                     now, now, address_hash(f"person{i}@bench.invalid"),
                     now if i % 200 == 0 else None) for i in ids]
            database.cursor().executemany(
                "INSERT INTO person (id, email, name, language, source, status, created_at, updated_at, "
                "email_hash, restricted_at) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            accounts = [(i, f"user{i}", shared_hash, "member", "suspended" if i % 97 == 0 else "active",
                         None if i % 53 == 0 else now, now, now) for i in ids if i % 3 == 0]
            database.cursor().executemany(
                "INSERT INTO account (person_id, username, password_hash, role, state, email_verified_at, "
                "created_at, password_changed_at) VALUES (?,?,?,?,?,?,?,?)", accounts)
            database.cursor().executemany(
                "INSERT INTO suppression (address_hash, reason, created_at) VALUES (?,?,?)",
                [(row[8], "unsubscribed", now) for row in rows if row[0] % 150 == 0])
            event_rows, state_rows = [], []
            for i in ids:
                story = STORIES[rng.randrange(len(STORIES))]
                for purpose, actions in story.items():
                    for action in actions:
                        event_rows.append((i, purpose, action, basis[purpose], now, "form", "newsletter",
                                           wordings.get(purpose) if action == "granted" else None,
                                           "2025-12-21", now, "192.0.2.0/24"))
                    if actions:
                        state_rows.append((i, purpose, actions[-1], now))
            cursor = database.cursor()
            cursor.executemany(
                "INSERT INTO consent_event (person_id, purpose, action, basis, occurred_at, source_kind, "
                "source, wording_id, notice_version, confirmed_at, network) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                event_rows)
            # Every state must point at an event; the batch's last one stands in for its own.
            last = database.execute_sql("SELECT MAX(id) FROM consent_event").fetchone()[0]
            database.cursor().executemany(
                "INSERT INTO consent (person_id, purpose, state, updated_at, event_id) VALUES (?,?,?,?,?)",
                [row + (last,) for row in state_rows])
            events += len(event_rows)
            consents += len(state_rows)
        if start % 100_000 == 1:
            print(f"  {start - 1 + len(ids):,} people, {events:,} events", flush=True)
    database.execute_sql("PRAGMA synchronous = NORMAL")
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {people:,} people, {events:,} consent events, {consents:,} consent states "
          f"in {time.perf_counter() - started:.0f} s", flush=True)


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def report(app, database, people):
    """Measure and print the figures."""
    from portal.accounts.models import Account
    from portal.consents import service
    from portal.people.models import Person

    with app.test_request_context():
        events = database.execute_sql("SELECT COUNT(*) FROM consent_event").fetchone()[0]
        count_s, count = timed(lambda: Person.reachable_for("newsletter").count())
        stream_s, streamed = timed(lambda: sum(1 for _ in Person.reachable_for("newsletter")
                                               .select(Person.id, Person.email).tuples().iterator()), 3)
        community_s, community = timed(lambda: Person.reachable_for("community").count())

        member = Person.get_by_id(300)
        account = Account.get(Account.person == member)
        from portal.accounts.passwords import hash_password
        Account.update(password_hash=hash_password(PASSWORD), state="active",
                       email_verified_at="2026-11-01 12:00:00").where(Account.id == account.id).execute()
        member_events = len(service.history(member))

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"login": account.username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 303
    for _ in range(20):
        assert client.get("/account/consents").status_code == 200
    page_times = []
    for _ in range(200):
        start = time.perf_counter()
        client.get("/account/consents")
        page_times.append(time.perf_counter() - start)
    page_times.sort()

    inserted = 2000
    with app.test_request_context():
        people_for_insert = list(Person.select().where(Person.id > people - inserted).order_by(Person.id))
        sha = service.consent_wording("marketing", "fi")
        start = time.perf_counter()
        for person in people_for_insert:
            with database.atomic():
                service.record(person, "marketing", "granted", "page", "bench", sha, network="192.0.2.0/24")
        single_rate = len(people_for_insert) / (time.perf_counter() - start)

    print()
    print(f"consent ledger at scale · SQLite · {people:,} people · {events:,} consent events")
    print(f"{'measure':<52}{'result':>16}{'target':>12}")
    print(f"{'count reachable for newsletter (' + format(count, ',') + ' people)':<52}"
          f"{count_s * 1000:>13.0f} ms{'< 1000 ms':>12} {'ok' if count_s < 1 else 'MISSED'}")
    print(f"{'stream reachable for newsletter (id, email)':<52}{stream_s * 1000:>13.0f} ms{'':>12}")
    print(f"{'count reachable for community (' + format(community, ',') + ' people)':<52}"
          f"{community_s * 1000:>13.0f} ms{'< 1000 ms':>12} {'ok' if community_s < 1 else 'MISSED'}")
    p50, p95 = page_times[len(page_times) // 2], page_times[int(len(page_times) * 0.95)]
    print(f"{'GET /account/consents (' + str(member_events) + ' events), p50 / p95':<52}"
          f"{p50 * 1000:>6.1f} / {p95 * 1000:>4.1f} ms{'< 20 ms':>12} {'ok' if p95 < 0.020 else 'MISSED'}")
    print(f"{'ledger inserts via record(), one transaction each':<52}{single_rate:>10,.0f} /s")


if __name__ == "__main__":
    main()
