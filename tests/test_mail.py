"""Mail that is never lost: the outbox, the worker, retries, exactly-once delivery."""
import datetime as dt
import os
import threading
import time

import pytest
from support import PASSWORD, SmtpServer, Web, free_port, html_of, make_certificate, text_of

from portal import clock
from portal.mail.models import OutboxMessage

SIGNUP = {"name": "Maija Meikäläinen", "email": "maija@example.fi", "username": "maija",
          "password": PASSWORD, "adult": "y"}


def queue(app, to="maija@example.fi", language="fi", **context):
    """Queue a password-changed notice (a template with no token) directly."""
    from flask_babel import lazy_gettext as _l

    from portal.mail.service import send_mail
    with app.test_request_context():
        return send_mail(to, "password_changed", _l("Your password was changed"), language=language,
                         reset_link="http://portal.test/password/reset", **context)


def outbox(app):
    with app.app_context():
        return list(OutboxMessage.select().order_by(OutboxMessage.id))


def test_mail_has_text_and_html_parts_in_the_persons_language(app, mailbox):
    queue(app, to="fi@example.fi", language="fi")
    queue(app, to="en@example.fi", language="en")
    finnish, english = mailbox.last_to("fi@example.fi"), mailbox.last_to("en@example.fi")
    assert finnish["Subject"] == "Salasanasi vaihdettiin" and english["Subject"] == "Your password was changed"
    assert finnish["Content-Language"] == "fi" and english["Content-Language"] == "en"
    for message in (finnish, english):
        assert text_of(message).strip() and "<p>" in html_of(message)
        assert message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"
    assert "salasana" in text_of(finnish).lower() and "password" in text_of(english).lower()


def test_queued_mail_is_encrypted_and_emptied_after_delivery(app, mailbox):
    queue(app)
    row, = outbox(app)
    assert row.status == "pending" and b"salasana" not in bytes(row.payload).lower()
    mailbox.deliver()
    row, = outbox(app)
    assert row.status == "sent" and row.payload is None and row.sent_at is not None
    assert row.to_address == "maija@example.fi" and row.template == "password_changed"


def test_header_values_cannot_carry_line_breaks(app):
    from portal.mail.service import send_mail
    with app.test_request_context(), pytest.raises(ValueError):
        send_mail("a@example.fi", "password_changed", "x", headers={"X-Test": "a\r\nBcc: evil@example.fi"},
                  reset_link="x")


def test_smtp_down_then_back_delivers_exactly_once(make_app):
    port = free_port()
    app = make_app(env={"PORTAL_SMTP_URL": f"smtp://127.0.0.1:{port}"})
    from portal.mail.delivery import deliver_due
    Web(app).post("/signup", SIGNUP)
    with app.app_context():
        assert deliver_due() == 0
    row, = outbox(app)
    assert row.status == "pending" and row.attempts == 1 and "refused" in row.last_error.lower()
    assert row.next_attempt_at > clock.now()

    server = SmtpServer(port)
    server.start()
    try:
        with app.app_context():
            assert deliver_due() == 0  # not due yet: backoff
            clock.travel(dt.timedelta(seconds=2))
            assert deliver_due() == 1
            assert deliver_due() == 0
        assert len(server.messages) == 1 and server.messages[0]["To"] == "maija@example.fi"
    finally:
        server.stop()


def test_starttls_when_required_is_used_or_the_mail_waits(make_app, tmp_path, monkeypatch):
    """smtp:// with starttls=required (production's default) never sends in cleartext: against a
    server without STARTTLS the mail waits with the reason; against one with it, it goes encrypted."""
    plain = SmtpServer()
    plain.start()
    try:
        app = make_app(env={"PORTAL_SMTP_URL": plain.url + "?starttls=required"})
        queue(app)
        from portal.mail.delivery import deliver_due
        with app.app_context():
            assert deliver_due() == 0
        row, = outbox(app)
        assert row.status == "pending" and "STARTTLS" in row.last_error and not plain.messages
    finally:
        plain.stop()

    certificate = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the throwaway certificate
    secure = SmtpServer(port=plain.port, certificate=certificate)
    secure.start()
    try:
        with app.app_context():
            clock.travel(dt.timedelta(seconds=2))
            assert deliver_due() == 1
        assert secure.messages[0].received_over_tls and secure.messages[0]["To"] == "maija@example.fi"
    finally:
        secure.stop()


def test_starttls_is_required_by_default_in_production_only(make_app):
    from portal.config import load_config
    production = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 48,
                  "PORTAL_BASE_URL": "https://portal.example.fi", "PORTAL_MAIL_FROM": "noreply@example.fi"}
    for url, env, expected in [("smtp://mail.example.fi:587", production, "required"),
                               ("smtp://127.0.0.1:25?starttls=optional", production, "optional"),
                               ("smtp://127.0.0.1:2525", {"PORTAL_ENV": "test"}, "optional")]:
        config = load_config({**env, "PORTAL_SMTP_URL": url}, "/tmp/portal-instance-unused")
        assert config["SMTP_STARTTLS"] == expected, url


def test_backoff_doubles_and_is_capped(app):
    from portal.mail.delivery import backoff
    with app.app_context():
        waits = [backoff(n).total_seconds() for n in range(1, 6)]
    assert waits == [1, 2, 4, 5, 5]  # test settings: 1 s base, 5 s cap
    assert app.config["MAIL_RETRY_MAX_SECONDS"] > 0


def test_a_recipient_refused_for_good_is_marked_failed(make_app):
    class Refusing(SmtpServer):
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 5.1.1 no such user"
    server = Refusing()
    server.start()
    try:
        app = make_app(env={"PORTAL_SMTP_URL": server.url})
        queue(app)
        from portal.mail.delivery import deliver_due
        with app.app_context():
            deliver_due()
        row, = outbox(app)
        assert row.status == "failed" and "550" in row.last_error and row.payload is None
    finally:
        server.stop()


def test_a_crashed_workers_claim_expires_and_the_mail_still_goes(app, mailbox):
    queue(app)
    with app.app_context():
        OutboxMessage.update(status="sending", lease_until=clock.now() + dt.timedelta(minutes=5)).execute()
    assert mailbox.deliver() == []  # another worker holds it
    clock.travel(dt.timedelta(minutes=6))
    assert len(mailbox.deliver()) == 1


def test_a_decision_is_made_once_and_its_mail_waits_for_smtp(make_app, member):
    """A reset asked for while SMTP is down: the worker decides once, and the mail goes when SMTP is back."""
    from portal.accounts.models import EmailToken
    from portal.mail.delivery import deliver_due
    port = free_port()
    app = make_app(env={"PORTAL_SMTP_URL": f"smtp://127.0.0.1:{port}"})
    member()
    assert Web(app).post("/password/reset", {"email": "maija@example.fi"}).status_code == 303
    with app.app_context():
        assert deliver_due() == 0
    row, = outbox(app)
    assert row.template == "reset_password" and row.status == "pending" and row.attempts == 1
    server = SmtpServer(port)
    server.start()
    try:
        clock.travel(dt.timedelta(seconds=2))
        with app.app_context():
            assert deliver_due() == 1
            assert deliver_due() == 0
            assert EmailToken.select().count() == 1  # decided once: one link, the one that was mailed
        assert [m["To"] for m in server.messages] == ["maija@example.fi"]
    finally:
        server.stop()


def test_a_crashed_workers_decision_is_made_after_its_lease(app, member, mailbox):
    member()
    Web(app).post("/password/reset", {"email": "maija@example.fi"})
    with app.app_context():
        OutboxMessage.update(status="sending", lease_until=clock.now() + dt.timedelta(minutes=5)).execute()
    assert mailbox.deliver() == []  # another worker holds it
    clock.travel(dt.timedelta(minutes=6))
    assert [m["To"] for m in mailbox.deliver()] == ["maija@example.fi"]


def test_a_decision_that_fails_midway_leaves_nothing_and_is_tried_again(app, mailbox):
    """A decider's mail and the removal of its decision are one transaction."""
    from portal.mail.service import decide_later, register_decider, send_mail
    tries = []

    def decide(address, language):  # a decider of this test: mails, then fails on its first try
        tries.append(address)
        send_mail(address, "password_changed", "x", language=language, reset_link="x")
        if len(tries) == 1:
            raise RuntimeError("the database went away")
    register_decider(app, "test", decide)
    with app.test_request_context():
        decide_later("maija@example.fi", "test", "fi")
    assert mailbox.deliver() == []
    row, = outbox(app)  # the mail was rolled back with the failed decision, which waits
    assert row.template == "decide:test" and row.status == "pending" and "went away" in row.last_error
    clock.travel(dt.timedelta(seconds=2))
    assert [m["To"] for m in mailbox.deliver()] == ["maija@example.fi"]
    assert [r.template for r in outbox(app)] == ["password_changed"] and len(tries) == 2


def test_two_workers_at_once_send_each_message_once(app, smtp):
    for n in range(30):
        queue(app, to=f"person{n}@example.fi")
    from portal.mail.delivery import deliver_due

    def work():
        with app.app_context():
            deliver_due()
    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    received = sorted(m["To"] for m in smtp.messages)
    assert received == sorted(f"person{n}@example.fi" for n in range(30))


def test_the_web_request_nudges_the_queue(app):
    huey = app.extensions["huey"]
    before = len(huey)
    Web(app).post("/signup", SIGNUP)
    assert len(huey) == before + 1


def redis_url():
    url = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("PORTAL_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required but not reachable at {url}")
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue_env(request):
    if request.param == "redis-queue":
        url = redis_url()
        import redis
        redis.Redis.from_url(url).flushdb()
        return {"PORTAL_REDIS_URL": url}
    return {}


def test_worker_process_delivers_once_the_smtp_server_is_back(make_app, start_worker, queue_env):
    """The verification mail of a sign-up made while SMTP is down arrives once, after it returns."""
    port = free_port()
    env = {"PORTAL_SMTP_URL": f"smtp://127.0.0.1:{port}", **queue_env}
    app = make_app(env=env)
    worker = start_worker(env)
    assert Web(app).post("/signup", SIGNUP).status_code == 303
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and outbox(app)[0].attempts == 0:
        time.sleep(0.1)
    row, = outbox(app)
    assert row.attempts >= 1 and row.status == "pending", worker.poll()

    server = SmtpServer(port)
    server.start()
    try:
        server.wait_for(1, timeout=30)
        time.sleep(3)  # time for a duplicate to show up, if there were one
        assert len(server.messages) == 1, [m["Subject"] for m in server.messages]
        assert server.messages[0]["To"] == "maija@example.fi"
        assert "/verify/" in text_of(server.messages[0])
        assert outbox(app)[0].status == "sent"
    finally:
        server.stop()


def test_rate_limits_live_in_redis_when_it_is_set(make_app):
    """With PORTAL_REDIS_URL the login counters are kept in Redis, shared by every web process."""
    url = redis_url()
    import redis
    store = redis.Redis.from_url(url)
    store.flushdb()
    app = make_app(env={"PORTAL_REDIS_URL": url}, LOGIN_LIMIT_PER_ACCOUNT="4 per hour")
    web = Web(app)
    wrong = {"login": "maija", "password": "väärä salasana tässä"}
    for _ in range(4):
        assert web.post("/login", wrong).status_code == 422
    assert web.post("/login", wrong).status_code == 429
    assert store.keys("LIMITS*")  # the counters are in Redis ...
    store.flushdb()
    assert web.post("/login", wrong).status_code == 422  # ... and only there


def test_a_right_password_gives_its_count_back_in_redis_too(make_app, member):
    """Each login attempt is counted first (atomic); a success gives it back, in Redis as in memory."""
    url = redis_url()
    import redis
    redis.Redis.from_url(url).flushdb()
    app = make_app(env={"PORTAL_REDIS_URL": url}, LOGIN_LIMIT_PER_ACCOUNT="3 per hour")
    member(username="maija")
    web = Web(app)
    for _ in range(5):
        assert web.login("maija", PASSWORD).status_code == 303
        web.post("/logout")
    web.token = None  # logging out ended the session and its CSRF token
    wrong = {"login": "maija", "password": "väärä salasana tässä"}
    assert [web.post("/login", wrong).status_code for _ in range(4)] == [422, 422, 422, 429]
