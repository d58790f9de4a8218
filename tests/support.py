"""Helpers for the tests: a real SMTP server, a form-posting client, mail readers."""
import email
import email.policy
import re
import socket
import time

from aiosmtpd.controller import Controller

BASE_URL = "http://portal.test"
PASSWORD = "vihreä tuoli pilvessä"  # strong enough for the rules, easy to read in tests


def make_certificate(folder):
    """Write a throwaway self-signed certificate for 127.0.0.1 and localhost; return (cert, key) paths.

    It is its own authority, so a client told to trust it (SSL_CERT_FILE) verifies
    it as it would a real one, host name included.
    """
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal test certificate")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class SmtpServer:
    """aiosmtpd on a free loopback port; `messages` are parsed EmailMessages.

    With `certificate` (a (cert, key) pair) it offers STARTTLS and refuses mail
    sent without it, as a real submission server does.
    """

    def __init__(self, port=None, certificate=None):
        self.port = port or free_port()
        self.messages = []
        self.controller = None
        self.certificate = certificate

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        options = {}
        if self.certificate:
            import ssl
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, self.certificate))
            options = {"tls_context": context, "require_starttls": True}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message.received_over_tls = session.ssl is not None
        self.messages.append(message)
        return "250 OK"

    def wait_for_mail(self, to, count=1, timeout=30):
        """Wait until `count` messages to `to` have arrived; return the newest."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if m["To"] == to]
            if len(found) >= count:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} within {timeout} s")

    def wait_for(self, count, timeout=15):
        """Wait until `count` messages have arrived; return them."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class Mailbox:
    """Deliver the outbox to the SMTP server and read what arrived."""

    def __init__(self, app, smtp):
        self.app, self.smtp = app, smtp

    def deliver(self):
        from portal.mail.delivery import deliver_due
        with self.app.app_context():
            deliver_due()
        return self.smtp.messages

    def to(self, address):
        self.deliver()
        return [m for m in self.smtp.messages if m["To"] == address]

    def last_to(self, address):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.smtp.messages]}"
        return found[-1]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def link_in(message, base=BASE_URL):
    """Return the first link into the portal in a message's text part."""
    match = re.search(re.escape(base) + r"/[^\s<>\"]+", text_of(message))
    assert match, "no portal link in the message"
    return match.group(0)


def path_of(link, base=BASE_URL):
    return link[len(base):]


class Web:
    """A test client that posts forms with their CSRF token, like a browser."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token = None

    def get(self, path, htmx=False, headers=None, **kwargs):
        response = self.client.get(path, headers={**self._headers(htmx), **(headers or {})}, **kwargs)
        self._remember_token(response)
        return response

    def post(self, path, data=None, htmx=False, csrf=True, headers=None, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        response = self.client.post(path, data=data, headers={**self._headers(htmx), **(headers or {})}, **kwargs)
        self._remember_token(response)
        return response

    def csrf_token(self):
        if self.token is None:
            self.get("/")
        return self.token

    def login(self, login="maija@example.fi", password=PASSWORD, remember=False):
        self.token = None
        response = self.post("/login", {"login": login, "password": password,
                                        **({"remember": "y"} if remember else {})})
        self.token = None  # the session (and its CSRF token) is new after login
        return response

    def session_cookie(self):
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None

    def _headers(self, htmx):
        return {"HX-Request": "true"} if htmx else {}

    def _remember_token(self, response):
        if response.mimetype == "text/html":
            match = self.CSRF.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
