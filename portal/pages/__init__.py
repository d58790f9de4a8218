"""Public pages: the front page and health (the privacy notice lives in `notice`)."""


def init_app(app):
    """Register the public pages."""
    from .views import bp
    app.register_blueprint(bp)
