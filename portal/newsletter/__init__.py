"""Newsletter sign-up forms, double opt-in, preferences and one-click unsubscribe."""
from flask import Blueprint

bp = Blueprint("newsletter", __name__)


def init_app(app):
    """Register the newsletter pages, the preferences-link decision and the hourly purge."""
    from huey import crontab

    from ..mail.service import register_decider
    from . import views  # noqa: F401  (routes attach to bp)
    from .service import decide_preferences_link, purge_unconfirmed

    app.register_blueprint(bp)
    register_decider(app, "preferences_link", decide_preferences_link)
    huey = app.extensions["huey"]

    def purge():
        with app.app_context():
            purge_unconfirmed()

    huey.periodic_task(crontab(minute="17"), name="purge_unconfirmed")(purge)
