"""`flask --app portal create-admin EMAIL`: the first admin, made by hand (AUTH-10)."""
import secrets

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from .forms import normalise_email
from .passwords import password_problem
from .service import create_admin


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="The admin's name.")
@click.option("--username", default=None, help="Username (default: from the email address).")
@click.option("--generate-password", is_flag=True,
              help="Generate a strong password and print it once instead of asking.")
@with_appcontext
def create_admin_command(email, name, username, generate_password):
    """Create an admin account for EMAIL (asks for the password)."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if generate_password:
        password = secrets.token_urlsafe(18)
    else:
        while True:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            problem = password_problem(password, [email.split("@")[0], username or "", *name.split()])
            if problem is None:
                break
            click.echo(f"Not accepted: {problem}", err=True)
    try:
        account = create_admin(email, password, name=name, username=username)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Admin created: {email} (username {account.username}).")
    if generate_password:
        click.echo(f"Password (shown only now): {password}")
