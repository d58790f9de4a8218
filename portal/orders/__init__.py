"""Orders: products and webinars, orders and invoices, the payment webhook, `flask products`."""
from flask import Blueprint

bp = Blueprint("orders", __name__)


def init_app(app):
    """Register the shop and purchase pages, the webhook, money filters and `flask products`."""
    from . import admin_views, views  # noqa: F401  (routes attach to bp)
    from .cli import products_cli
    from .money import euros, percent

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.bp)
    app.jinja_env.filters.update(euros=euros, percent=percent)
    app.cli.add_command(products_cli)
