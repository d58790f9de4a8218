"""Joining: sign-up, verification of the address, and the consent boxes ticked on the way."""


def init_app(app):
    """Register the sign-up pages and the worker's decision on a new verification link."""
    from ..mail.service import register_decider
    from .service import decide_verification
    from .views import bp

    app.register_blueprint(bp)
    register_decider(app, "verify_email", decide_verification)
