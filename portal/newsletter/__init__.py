"""Newsletter sign-up forms, double opt-in, preferences and one-click unsubscribe."""


def init_app(app):
    """Register the newsletter pages and the hourly removal of unconfirmed sign-ups."""
    from huey import crontab

    from .service import purge_unconfirmed
    from .views import bp

    app.register_blueprint(bp)
    huey = app.extensions["huey"]

    def purge():
        with app.app_context():
            purge_unconfirmed()

    huey.periodic_task(crontab(minute="17"), name="purge_unconfirmed")(purge)
