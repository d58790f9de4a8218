"""Importing subscribers with their consent evidence."""


def init_app(app):
    """Register the imports pages."""
    from .views import bp
    app.register_blueprint(bp)
