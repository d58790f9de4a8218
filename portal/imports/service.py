"""Importing subscribers from a CSV with their consent evidence, dry run first.

Required columns: email, consent_date (ISO date or time), consent_source (the
form or document that proves the consent), purposes (consent purpose keys
separated by spaces). Optional: name, language. A row without evidence is
rejected and listed, never invited; an address on the suppression list is
skipped and counted. The file is read as a stream and written in batches,
so memory does not grow with its length.
"""
import csv
import datetime as dt
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from .. import audit, clock
from ..consents.models import Consent, ConsentEvent, Suppression
from ..db import database, insert_rows, is_postgresql
from ..files import open_private, private_folder, write_private
from ..people.models import Person, address_hash, name_key, normalise_email
from ..register import get_register
from ..translate import lazy_gettext as _l

REQUIRED = ("email", "consent_date", "consent_source", "purposes")
# An everyday ASCII address (RFC 5322 dot-atom at a dotted host name); anything else goes
# through email_validator, which is exact but too slow to run 100,000 times.
PLAIN_ADDRESS = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
                           r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
BATCH = 5000
DETAIL_LIMIT = 1000


@dataclass
class Report:
    """What an import did, or would do."""

    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    suppressed: int = 0
    rejected: int = 0
    problems: list = field(default_factory=list)  # (line, reason), the first DETAIL_LIMIT

    def reject(self, line, reason):
        self.rejected += 1
        if len(self.problems) < DETAIL_LIMIT:
            self.problems.append((line, reason))


class BadFile(ValueError):
    """The file is not a CSV with the required columns."""


def store(upload_bytes, folder):
    """Keep an uploaded file until it is imported; return its token."""
    private_folder(folder)
    for old in folder.glob("*.csv"):  # uploads not imported within a day are dropped
        if old.stat().st_mtime < clock.timestamp() - 24 * 3600:
            old.unlink()
    token = secrets.token_urlsafe(16)
    write_private(folder / f"{token}.csv", upload_bytes)
    return token


def pending_files(folder):
    """Return the uploads waiting in `folder` to be imported."""
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def _dialect(fh):
    sample = fh.read(4096)
    fh.seek(0)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def rewrite_without(path, email):
    """Rewrite a waiting upload without the rows of `email` (an erased person); return True if it changed.

    A file that cannot be read is deleted: it could not be imported, and it may name them.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            dialect = _dialect(fh)
            rows = csv.reader(fh, dialect=dialect)
            header = next(rows, [])
            columns = [c.strip().lower() for c in header]
            if "email" not in columns:
                return False
            at = columns.index("email")
            kept, removed = [header], 0
            for row in rows:
                if len(row) > at and normalise_email(row[at]) == email:
                    removed += 1
                else:
                    kept.append(row)
    except (UnicodeDecodeError, csv.Error):
        path.unlink(missing_ok=True)
        return True
    if removed:
        temporary = path.with_suffix(".tmp")
        with open_private(temporary, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, dialect=dialect).writerows(kept)
        os.replace(temporary, path)
    return bool(removed)


def _rows(path):
    """Yield (line number, row dict) from the CSV; raise BadFile when the columns are wrong."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        dialect = _dialect(fh)
        reader = csv.DictReader(fh, dialect=dialect)
        columns = [c.strip().lower() for c in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise BadFile(", ".join(missing))
        reader.fieldnames = columns
        for number, row in enumerate(reader, start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k}


def plausible_email(email):
    """Return True for a valid address: a quick ASCII check, the full validator otherwise."""
    if len(email) <= 254 and PLAIN_ADDRESS.match(email):
        return True
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _check(number, row, consent_purposes, report):
    """Return the cleaned row, or None after recording why it is rejected."""
    email = normalise_email(row.get("email"))
    if not plausible_email(email):
        report.reject(number, _l("invalid email address"))
        return None
    if not row.get("consent_date") or not row.get("consent_source"):
        report.reject(number, _l("no consent evidence (consent_date and consent_source are required)"))
        return None
    try:
        when = dt.datetime.fromisoformat(row["consent_date"])
    except ValueError:
        report.reject(number, _l("consent_date is not an ISO date such as 2025-03-14"))
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    if when > clock.now():
        report.reject(number, _l("consent_date is in the future"))
        return None
    purposes = [p for p in row["purposes"].replace(",", " ").split() if p]
    unknown = [p for p in purposes if p not in consent_purposes]
    if not purposes or unknown:
        report.reject(number, _l("unknown or missing purposes: %(purposes)s", purposes=" ".join(unknown) or "-"))
        return None
    language = row.get("language") if row.get("language") in ("fi", "en") else "fi"
    return {"email": email, "name": " ".join((row.get("name") or "").split())[:100], "language": language,
            "when": when, "source": row["consent_source"][:64], "purposes": purposes}


def run(path, dry_run, by=None):
    """Import (or with `dry_run` only check) the file at `path`; return a Report.

    The whole import is one transaction: a failure half way leaves nothing
    imported (and SQLite writes each index page once, not once per batch).
    """
    consent_purposes = {p.key for p in get_register().consent_purposes()}
    report, batch = Report(), []
    with _large_cache(), database.atomic():
        for number, row in _rows(path):
            report.rows += 1
            checked = _check(number, row, consent_purposes, report)
            if checked is not None:
                batch.append((number, checked))
            if len(batch) >= BATCH:
                _batch(batch, dry_run, report)
                batch = []
        if batch:
            _batch(batch, dry_run, report)
        if not dry_run and by is not None:
            audit.record("subscribers_imported", None, actor=by, detail=f"{report.imported} imported, "
                         f"{report.suppressed} suppressed, {report.rejected} rejected")
    return report


@contextmanager
def _large_cache():
    """On SQLite, give this connection a 128 MiB page cache while importing.

    The address-hash index takes new keys at random places; with the default
    2 MiB cache every batch rewrote the same index pages (benchmarks/admin_scale.py).
    """
    if is_postgresql():
        yield
        return
    before = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _ids_of(emails):
    """Return {email: person id} for the addresses already in the register."""
    return dict(Person.select(Person.email, Person.id).where(Person.email.in_(emails)).tuples()) if emails else {}


def _batch(batch, dry_run, report):
    """Check one batch against the register and, unless dry, write it."""
    for _, row in batch:
        row["hash"] = address_hash(row["email"])
    hashes = [row["hash"] for _, row in batch]
    suppressed = {h for (h,) in Suppression.select(Suppression.address_hash)
                  .where(Suppression.address_hash.in_(hashes)).tuples()}
    existing = _ids_of([r["email"] for _, r in batch])
    granted = set(Consent.select(Consent.person, Consent.purpose)
                  .where(Consent.state.in_(("granted", "objected")), Consent.person.in_(list(existing.values())))
                  .tuples()) if existing else set()
    todo, seen = [], set()
    for number, row in batch:
        if row["hash"] in suppressed:
            report.suppressed += 1
            continue
        if row["email"] in seen:
            report.reject(number, _l("the same address appears twice"))
            continue
        seen.add(row["email"])
        person_id = existing.get(row["email"])
        wanted = [p for p in row["purposes"] if (person_id, p) not in granted]
        if not wanted:
            report.unchanged += 1
            continue
        report.imported += 1
        todo.append((row, wanted))
    if dry_run or not todo:
        return
    now = str(clock.now())  # as peewee stores it; skips sqlite3's per-value datetime adapter
    new = [row for row, _ in todo if row["email"] not in existing]
    insert_rows(Person, ("email", "name", "name_key", "language", "source", "status", "created_at",
                         "updated_at", "email_hash"),
                [(r["email"], r["name"], name_key(r["name"]), r["language"], "import", "subscriber", now, now,
                  r["hash"]) for r in new])
    existing.update(_ids_of([r["email"] for r in new]))
    events = [(existing[row["email"]], purpose, "granted", "consent", str(row["when"]), "import", row["source"],
               "import", "") for row, wanted in todo for purpose in wanted]
    insert_rows(ConsentEvent, ("person", "purpose", "action", "basis", "occurred_at", "source_kind", "source",
                               "notice_version", "network"), events)
    latest = {(person, purpose): event for event, person, purpose in
              ConsentEvent.select(ConsentEvent.id, ConsentEvent.person, ConsentEvent.purpose)
              .where(ConsentEvent.source_kind == "import", ConsentEvent.person.in_(list({e[0] for e in events})))
              .order_by(ConsentEvent.id).tuples()}
    insert_rows(Consent, ("person", "purpose", "state", "updated_at", "event"),
                [(e[0], e[1], "granted", now, latest[(e[0], e[1])]) for e in events],
                conflict=("person", "purpose"), update=("state", "updated_at", "event"))
