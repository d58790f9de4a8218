"""Orders: products and webinars, orders and invoices, the payment webhook, `flask products`."""


def init_app(app):
    """Register the shop and purchase pages, the admins' product and voucher pages, the webhook,
    the money filters and `flask products`."""
    from . import admin_views  # noqa: F401  (its routes attach to the blueprint of views.py)
    from .cli import products_cli
    from .money import euros, percent
    from .views import bp

    app.register_blueprint(bp)
    app.jinja_env.filters.update(euros=euros, percent=percent)
    app.cli.add_command(products_cli)
