"""Settings come from the environment; a wrong one stops start-up naming the variable."""
import os
import re
import stat

import pytest

from portal import create_app
from portal.config import PROJECT_ROOT, SETTINGS, ConfigError

PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_SECRET_KEY": "k" * 48,
    "PORTAL_BASE_URL": "https://portal.example.fi",
    "PORTAL_SMTP_URL": "smtps://user:pass@smtp.example.fi:465",
    "PORTAL_MAIL_FROM": "BloomLead <noreply@example.fi>",
}


def start(environ, tmp_path, **overrides):
    env = {"PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", **environ}
    return create_app(overrides=overrides, environ=env)


def test_the_instance_folder_and_the_files_with_personal_data_are_private(make_app, tmp_path):
    """Folders 0700 and files 0600, even with the most open umask: the database and its
    -wal and -shm, the mail queue, a scanned letter and a waiting import."""
    import io
    from pathlib import Path

    from staff_support import enrolled_staff
    from support import PASSWORD

    from portal import clock
    from portal.accounts import passwords
    from portal.accounts.models import Account
    from portal.people.models import Person

    def member(email, role, name):
        with app.test_request_context():
            person = Person.create(email=email, name=name, source="test", status="member")
            return Account.create(person=person, username=role, role=role, email_verified_at=clock.now(),
                                  password_hash=passwords.hash_password(PASSWORD))

    umask = os.umask(0)
    try:
        app = make_app(env={"PORTAL_DATABASE_URL": ""})  # the default: SQLite in the instance folder
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        _, web = enrolled_staff(app, member)
        letter = web.post("/admin/requests", {"email": "kirje@example.fi", "kind": "access", "channel": "letter",
                                              "received": "2026-11-02", "scan": (io.BytesIO(b"%PDF-1.4 x"), "k.pdf")},
                          content_type="multipart/form-data")
        csv = b"email,consent_date,consent_source,purposes\na@example.fi,2025-01-01,messu,newsletter\n"
        upload = web.post("/admin/import", {"file": (io.BytesIO(csv), "a.csv")},
                          content_type="multipart/form-data")
        assert letter.status_code == 303 and upload.status_code == 200
    finally:
        os.umask(umask)
    instance = Path(app.instance_path)
    folders = [instance, instance / "requests", instance / "imports"]
    files = [instance / name for name in ("portal.db", "portal.db-wal", "portal.db-shm", "queue.db")]
    files += [*(instance / "requests").iterdir(), *(instance / "imports").iterdir()]
    assert len(files) == 6 and all(f.exists() for f in files)
    assert {str(f): oct(stat.S_IMODE(f.stat().st_mode)) for f in folders} == {str(f): "0o700" for f in folders}
    assert {str(f): oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {str(f): "0o600" for f in files}


def test_an_older_deployments_open_database_and_instance_folder_are_tightened(tmp_path):
    instance, database = tmp_path / "instance", tmp_path / "instance" / "portal.db"
    instance.mkdir(mode=0o755)
    database.write_bytes(b"")
    for path, mode in ((instance, 0o755), (database, 0o644)):
        os.chmod(path, mode)
    start({"PORTAL_ENV": "test", "PORTAL_DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700 and stat.S_IMODE(database.stat().st_mode) == 0o600


def test_start_up_refuses_a_larger_body_limit_for_an_endpoint_that_does_not_exist(tmp_path):
    with pytest.raises(ConfigError) as error:
        start({"PORTAL_ENV": "test"}, tmp_path, LARGER_BODIES={"requests.record": 6 * 1024 * 1024})
    assert "requests.record" in error.value.message
    app = start({"PORTAL_ENV": "test"}, tmp_path)
    assert set(app.config["LARGER_BODIES"]) <= set(app.view_functions)  # what ships names real views


def test_production_refuses_to_start_without_a_secret_and_says_how_to_make_one(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "PORTAL_SECRET_KEY"}
    with pytest.raises(ConfigError) as error:
        start(env, tmp_path)
    assert "PORTAL_SECRET_KEY" in error.value.message and "secrets.token_urlsafe" in error.value.message


def test_production_starts_with_complete_settings(tmp_path):
    app = start(PRODUCTION, tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "__Host-session"


@pytest.mark.parametrize("variable, value", [
    ("PORTAL_ENV", "staging"),
    ("PORTAL_SECRET_KEY", "short"),
    ("PORTAL_DATABASE_URL", "mysql://localhost/portal"),
    ("PORTAL_BASE_URL", "portal.example.fi"),
    ("PORTAL_BASE_URL", "http://portal.example.fi"),
    ("PORTAL_SMTP_URL", "mail.example.fi"),
    ("PORTAL_SMTP_URL", "smtp://mail.example.fi:port"),
    ("PORTAL_SMTP_URL", "smtp://mail.example.fi:587?starttls=maybe"),
    ("PORTAL_SMTP_URL", "smtp://mail.example.fi:587?tls=off"),
    ("PORTAL_MAIL_FROM", "not an address"),
    ("PORTAL_REDIS_URL", "localhost:6379"),
    ("PORTAL_REGISTER", "registers/missing.toml"),
    ("PORTAL_TRUSTED_PROXIES", "many"),
])
def test_a_wrong_value_names_its_variable(tmp_path, variable, value):
    with pytest.raises(ConfigError) as error:
        start({**PRODUCTION, variable: value}, tmp_path)
    assert variable in error.value.message


def test_production_refuses_test_password_hashing(tmp_path):
    with pytest.raises(ConfigError) as error:
        start(PRODUCTION, tmp_path, PASSWORD_HASHING="cheap")
    assert "password" in error.value.message


def test_development_defaults_need_no_settings(tmp_path):
    app = create_app(environ={"PORTAL_INSTANCE_PATH": str(tmp_path / "instance")})
    secret = tmp_path / "instance" / "secret_key"
    assert app.config["ENV_NAME"] == "development"
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'portal.db'}"
    assert app.config["SMTP_URL"] is None and app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert secret.read_text().strip() == app.config["SECRET_KEY"] and len(app.config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    again = create_app(environ={"PORTAL_INSTANCE_PATH": str(tmp_path / "instance")})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]  # kept, not regenerated


def test_readme_lists_every_setting_with_its_default():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for variable, default, _ in SETTINGS:
        row = re.search(rf"^\| `{variable}` \|([^|]*)\|", readme, re.M)
        assert row, f"{variable} missing from the README's settings table"
        assert row.group(1).strip() == default, variable
