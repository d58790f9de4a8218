"""Every setting of the portal and the environment variable it comes from.

Settings are read here and only here, from the environment passed in by
`create_app`. A wrong value stops start-up with a message naming the variable.
"""
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .files import private_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTER = PROJECT_ROOT / "registers" / "bloomlead.toml"
ENVIRONMENTS = ("development", "production", "test")

# (variable, default shown in the README, description). The README's table is
# checked against this list by the tests.
SETTINGS = [
    ("PORTAL_ENV", "`development`", "`development`, `production` or `test`."),
    ("PORTAL_SECRET_KEY", "generated into `instance/secret_key`",
     "Signs sessions and links, encrypts queued mail. Required in production."),
    ("PORTAL_DATABASE_URL", "`sqlite:///instance/portal.db`",
     "`sqlite:///path` or `postgresql://user:pass@host:port/db`."),
    ("PORTAL_BASE_URL", "`http://127.0.0.1:5000`",
     "Public address used in links in mail; `https://` makes cookies `Secure`."),
    ("PORTAL_SMTP_URL", "unset: development mail",
     "`smtps://user:pass@host:465`, or `smtp://user:pass@host:587` with STARTTLS: required in production, "
     "used when offered elsewhere; `?starttls=optional` allows a cleartext relay, `?starttls=required` insists."),
    ("PORTAL_MAIL_FROM", "`portal@localhost`", "Sender address of all mail."),
    ("PORTAL_REDIS_URL", "unset",
     "`redis://host:port/db`: the mail queue and rate limits live in Redis."),
    ("PORTAL_REGISTER", "`registers/bloomlead.toml`",
     "The register definition that the portal runs."),
    ("PORTAL_SUPPRESSION_KEY", "derived from the secret key",
     "Keys the hashes of the suppression list. Set it before you rotate the secret key."),
    ("PORTAL_INSTANCE_PATH", "`instance/`",
     "Writable folder for the SQLite database, the mail queue and the development secret."),
    ("PORTAL_TRUSTED_PROXIES", "`0`",
     "How many reverse proxies in front set `X-Forwarded-For`/`-Proto`."),
    ("PORTAL_PAYMENT_WEBHOOK_SECRET", "unset: the webhook answers 503",
     "Shared secret (32+ characters) that signs the payment provider's calls to `/webhooks/payments`."),
]


class ConfigError(SystemExit):
    """A setting is missing or wrong; start-up stops with this message."""

    def __init__(self, message):
        super().__init__(f"Configuration error: {message}")
        self.message = message


def load_config(environ, instance_path):
    """Return the Flask config built from `environ`; raise ConfigError."""
    env = environ.get("PORTAL_ENV", "development").strip() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    instance = Path(instance_path)
    production = env == "production"

    base_url = _base_url(environ.get("PORTAL_BASE_URL"), production)
    secure = base_url.startswith("https://")
    smtp_url = _smtp_url(environ.get("PORTAL_SMTP_URL"), production)
    secret_key = _secret_key(environ.get("PORTAL_SECRET_KEY"), env, instance)
    config = {
        "ENV_NAME": env,
        "TESTING": env == "test",
        "SECRET_KEY": secret_key,
        "SUPPRESSION_KEY": _suppression_key(environ.get("PORTAL_SUPPRESSION_KEY"), secret_key),
        "MATERIALS_DIR": instance / "materials",
        "REQUESTS_DIR": instance / "requests",
        "IMPORTS_DIR": instance / "imports",
        "DATABASE_URL": _database_url(environ.get("PORTAL_DATABASE_URL"), instance),
        "BASE_URL": base_url,
        "SMTP_URL": smtp_url,
        "SMTP_STARTTLS": _smtp_starttls(smtp_url, production),
        "MAIL_FROM": _mail_from(environ.get("PORTAL_MAIL_FROM"), production, smtp_url),
        "REDIS_URL": _redis_url(environ.get("PORTAL_REDIS_URL")),
        "REGISTER_PATH": _register_path(environ.get("PORTAL_REGISTER")),
        "TRUSTED_PROXIES": _count("PORTAL_TRUSTED_PROXIES", environ.get("PORTAL_TRUSTED_PROXIES", "0")),
        "PAYMENT_WEBHOOK_SECRET": _webhook_secret(environ.get("PORTAL_PAYMENT_WEBHOOK_SECRET")),
        # Sessions and cookies (SES-02).
        "SESSION_COOKIE_NAME": "__Host-session" if secure else "portal_session",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 30 * 24 * 3600,
        # A remembered session ends 30 days after login on the server; re-sending
        # the cookie on every request would only re-sign it.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Endpoints that take files: a scanned letter (the form promises 5 MB), a subscriber
        # import. Start-up refuses an endpoint that does not exist (check_endpoints).
        "LARGER_BODIES": {"rights.request_queue": 6 * 1024 * 1024, "imports.form": 20 * 1024 * 1024},
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": secure,
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "PASSWORD_HASHING": "cheap" if env == "test" else "rfc9106",
        "MAIL_RETRY_BASE_SECONDS": 1 if env == "test" else 30,
        "MAIL_RETRY_MAX_SECONDS": 5 if env == "test" else 3600,
        "MAIL_KEEP_SENT_BODIES": env == "development",
        "RATELIMIT_STORAGE_URI": environ.get("PORTAL_REDIS_URL") or "memory://",
        "LOGIN_LIMIT_PER_ACCOUNT": "10 per minute;100 per hour",
        "LOGIN_LIMIT_PER_IP": "60 per minute;600 per hour",
        "EMAIL_LIMIT_PER_ADDRESS": "3 per 10 minutes;10 per day",
        "EMAIL_LIMIT_PER_IP": "20 per hour",
        "SIGNUP_LIMIT_PER_IP": "20 per hour",
        "SUBSCRIBE_LIMIT_PER_IP": "10 per minute;60 per hour",
        "SECOND_FACTOR_LIMIT_PER_ACCOUNT": "5 per minute;30 per hour",
        "SUBSCRIBE_LIMIT_PER_ADDRESS": "3 per hour;6 per day",
    }
    return config


def check_overrides(config):
    """Refuse settings that are only safe in tests (AUTH-02)."""
    if config["ENV_NAME"] == "production" and config["PASSWORD_HASHING"] != "rfc9106":
        raise ConfigError("production refuses test password-hashing parameters.")


def check_endpoints(config, endpoints):
    """Refuse settings that name a view the app does not have (checked once the routes exist)."""
    unknown = sorted(set(config["LARGER_BODIES"]) - set(endpoints))
    if unknown:
        raise ConfigError(f"LARGER_BODIES names endpoints that do not exist: {', '.join(unknown)}. "
                          "A typo here silently keeps the 1 MiB limit on an upload form.")


def _base_url(value, production):
    if not value:
        if production:
            raise ConfigError("PORTAL_BASE_URL is required in production (e.g. https://portal.example.fi).")
        return "http://127.0.0.1:5000"
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError("PORTAL_BASE_URL must be an http(s) address such as https://portal.example.fi, "
                          f"not {value!r}.")
    if production and parts.scheme != "https":
        raise ConfigError("PORTAL_BASE_URL must start with https:// in production.")
    return value.strip().rstrip("/")


def _secret_key(value, env, instance):
    if value:
        if len(value) < 32:
            raise ConfigError("PORTAL_SECRET_KEY must be at least 32 characters long.")
        return value
    if env == "production":
        raise ConfigError(
            "PORTAL_SECRET_KEY is required in production. Make one with:\n"
            "  python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if env == "test":
        return secrets.token_urlsafe(48)
    path = instance / "secret_key"
    if not path.exists():
        private_folder(instance)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _suppression_key(value, secret_key):
    if value:
        if len(value) < 32:
            raise ConfigError("PORTAL_SUPPRESSION_KEY must be at least 32 characters long.")
        return value
    import hashlib
    import hmac
    return hmac.new(secret_key.encode(), b"portal suppression list", hashlib.sha256).hexdigest()


def _webhook_secret(value):
    if not value:
        return None
    if len(value) < 32 or value != value.strip():
        raise ConfigError("PORTAL_PAYMENT_WEBHOOK_SECRET must be at least 32 characters, without spaces around it.")
    return value


def _database_url(value, instance):
    if not value:
        private_folder(instance)
        return f"sqlite:///{instance / 'portal.db'}"
    scheme = urlsplit(value).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError(f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme or value!r}.")
    if scheme == "sqlite" and not value.startswith("sqlite:///"):
        raise ConfigError("PORTAL_DATABASE_URL for SQLite is written sqlite:///relative/path or sqlite:////absolute/path.")
    return value


def _smtp_url(value, production):
    if not value:
        if production:
            raise ConfigError("PORTAL_SMTP_URL is required in production (e.g. smtps://user:password@smtp.example.fi:465).")
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("PORTAL_SMTP_URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port.")
    try:
        parts.port  # noqa: B018  (reading it checks that the port is a number)
    except ValueError:
        raise ConfigError("PORTAL_SMTP_URL has a port that is not a number.") from None
    return value


def _smtp_starttls(url, production):
    """Return 'required' or 'optional': may an smtp:// connection go on without STARTTLS?"""
    if not url:
        return "optional"
    options = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    unknown = set(options) - {"starttls"}
    if unknown:
        raise ConfigError(f"PORTAL_SMTP_URL has an unknown option {sorted(unknown)[0]!r}; the only one is ?starttls=.")
    value = options.get("starttls", "required" if production else "optional")
    if value not in ("required", "optional"):
        raise ConfigError(f"PORTAL_SMTP_URL's starttls must be 'required' or 'optional', not {value!r}.")
    return value


def _mail_from(value, production, smtp_url):
    if not value:
        if production:
            raise ConfigError("PORTAL_MAIL_FROM is required in production (e.g. BloomLead <noreply@example.fi>).")
        return "portal@localhost"
    from email.headerregistry import Address
    from email.utils import parseaddr
    name, address = parseaddr(value)
    if "@" not in address or "\n" in value or "\r" in value:
        raise ConfigError("PORTAL_MAIL_FROM must be an address such as 'BloomLead <noreply@example.fi>', "
                          f"not {value!r}.")
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):
        raise ConfigError(f"PORTAL_MAIL_FROM is not a valid address: {value!r}.") from None
    return value


def _redis_url(value):
    if not value:
        return None
    if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("PORTAL_REDIS_URL must start with redis://, rediss:// or unix://.")
    return value


def _register_path(value):
    path = Path(value) if value else DEFAULT_REGISTER
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    if not path.is_file():
        raise ConfigError(f"PORTAL_REGISTER points to {str(path)!r}, which is not a file.")
    return path


def _count(name, value):
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0 or number > 10:
        raise ConfigError(f"{name} must be a whole number from 0 to 10, not {value!r}.")
    return number


def is_loopback(host):
    """Return True when `host` is a loopback name or address."""
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
