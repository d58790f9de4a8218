"""Mail: the outbox, its delivery worker and the development mail page."""


def init_app(app):
    """Set up the worker queue and, in development, the mail page."""
    from . import views, worker
    worker.init_app(app)
    if app.config["ENV_NAME"] == "development":
        app.register_blueprint(views.bp)
