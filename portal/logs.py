"""Structured logs: one JSON line per event, nothing secret in them.

Auth events go through `auth_event` (LOG-01). Access logs of the development
server and gunicorn pass `RedactTokens`, so links from emails never leave
their tokens in a log file (TOK-07, LOG-02): not in the path, not in a query
string (`?next=/privacy/export/...`, encoded or not) and not in the Referer.
"""
import datetime as dt
import json
import logging
import re
import secrets
import sys

from flask import g, has_request_context, request

# The path and query of a URL in a log line: a request line's target, a Referer.
URL_PATH = re.compile(r"(?:https?://[^\s\"'/]+)?(/[^\s\"']*)")
# A run this long of URL-safe characters in a path or query is a token, never a
# page: secrets.token_urlsafe(32) and itsdangerous's signed tokens (payload,
# timestamp and signature joined by dots, a compressed one starting with a dot)
# are 40 or more; the shortest we issue, an upload's token_urlsafe(16), is 22.
# Outside "/?&=%" there is nothing else this long in our URLs.
TOKEN = re.compile(r"[A-Za-z0-9_\-.]{22,}")
auth_log = logging.getLogger("portal.auth")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object with a UTC timestamp."""

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactTokens(logging.Filter):
    """Replace tokens in the URLs of a log line (path, query, Referer) with '[redacted]'."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def redact(text):
    """Return `text` with every token in the path or query of its URLs replaced by '[redacted]'."""
    def clean(match):
        host = match.group(0)[:match.start(1) - match.start(0)]
        return host + TOKEN.sub("[redacted]", match.group(1))
    return URL_PATH.sub(clean, text)


def coarse_network(address):
    """Return the /24 (IPv4) or /48 (IPv6) network of an address, never the address."""
    import ipaddress
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def auth_event(event, outcome, **fields):
    """Log an authentication event with outcome and request id (LOG-01)."""
    if has_request_context():
        fields.setdefault("request_id", g.get("request_id"))
        fields.setdefault("network", coarse_network(request.remote_addr))
    fields.update(event=event, outcome=outcome)
    auth_log.info("%s %s", event, outcome, extra={"fields": fields})


def init_app(app):
    """Send portal logs to stderr as JSON and redact access logs."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    portal_logger = logging.getLogger("portal")
    if not any(isinstance(h.formatter, JsonFormatter) for h in portal_logger.handlers):
        portal_logger.addHandler(handler)
    portal_logger.setLevel(logging.INFO)
    portal_logger.propagate = app.config["TESTING"]
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())

    @app.before_request
    def _request_id():
        g.request_id = secrets.token_hex(8)
