"""Moderation: the approval queue, suspensions, spam and blocked domains."""


def init_app(app):
    """Register the moderation pages."""
    from .views import bp
    app.register_blueprint(bp)
