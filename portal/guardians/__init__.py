"""Children under 13 recorded by staff with the guardian who gave their data and consented for them."""


def init_app(app):
    """Register the staff page that records a child with their guardian."""
    from .views import bp
    app.register_blueprint(bp)
