"""`flask --app portal products ...`: add, change and list products until the admin pages exist."""
import datetime as dt

import click
from flask.cli import AppGroup

from ..clock import utc
from ..db import database
from .models import Product
from .money import parse_euros, parse_rate
from .service import save_product

products_cli = AppGroup("products", help="Add, change and list webinars and other products.")


def _euros(ctx, param, value):
    try:
        return None if value is None else parse_euros(value)
    except (ValueError, ArithmeticError):
        raise click.BadParameter("write euros and cents, e.g. 49.90") from None


def _rate(ctx, param, value):
    try:
        return None if value is None else parse_rate(value)
    except (ValueError, ArithmeticError):
        raise click.BadParameter("write the VAT rate in per cent, e.g. 25.5") from None


def _helsinki(ctx, param, value):
    if value is None:
        return None
    try:
        return utc(dt.datetime.strptime(value, "%Y-%m-%d %H:%M"))
    except ValueError:
        raise click.BadParameter("write the date and time in Helsinki as 2026-12-01 18:00") from None


@products_cli.command("add")
@click.option("--name", required=True, help="What the product is called.")
@click.option("--price", required=True, callback=_euros, help="Price in euros including VAT, e.g. 49.90.")
@click.option("--vat", required=True, callback=_rate, help="VAT rate in per cent, e.g. 25.5.")
@click.option("--description", default="", help="What the buyer gets.")
@click.option("--webinar", is_flag=True, help="A webinar: give --starts and --link too.")
@click.option("--starts", callback=_helsinki, help="Webinar start in Helsinki time: 2026-12-01 18:00.")
@click.option("--minutes", type=click.IntRange(1, 1440), help="Webinar length in minutes.")
@click.option("--link", help="The webinar's page on the course platform (https://...).")
def add_command(name, price, vat, description, webinar, starts, minutes, link):
    """Add a product or webinar for sale and print its id."""
    if webinar and not (starts and link):
        raise click.UsageError("a webinar needs --starts and --link")
    if link and not link.startswith("https://"):
        raise click.BadParameter("the link must start with https://", param_hint="--link")
    with database.connection_context():
        product = save_product(kind="webinar" if webinar else "product", name=name, description=description,
                               price_cents=price, vat_rate_bp=vat, starts_at=starts, duration_minutes=minutes,
                               access_link=link)
    click.echo(f"product {product.id}: {name}")


@products_cli.command("hide")
@click.argument("product_id", type=int)
def hide_command(product_id):
    """Take a product off sale (orders of it are kept)."""
    with database.connection_context():
        product = Product.get_or_none(Product.id == product_id)
        if product is None:
            raise click.ClickException(f"no product {product_id}")
        save_product(product, active=False)
    click.echo(f"product {product_id} is no longer on sale")


@products_cli.command("list")
def list_command():
    """List every product with its id, price and VAT rate."""
    with database.connection_context():
        for p in Product.select().order_by(Product.id):
            when = f" {p.starts_at:%Y-%m-%d %H:%M} UTC" if p.starts_at else ""
            state = "" if p.active else " (not on sale)"
            click.echo(f"{p.id:>4}  {p.kind:<8} {p.price_cents / 100:>9.2f} EUR  VAT {p.vat_rate_bp / 100:g} %"
                       f"{when}  {p.name}{state}")
