"""Exports to processors (Art. 19)."""


def init_app(app):
    """Register the processors pages."""
    from .views import bp
    app.register_blueprint(bp)
