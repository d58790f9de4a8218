"""The breach register (Art. 33-34)."""


def init_app(app):
    """Register the breach pages."""
    from .views import bp
    app.register_blueprint(bp)
