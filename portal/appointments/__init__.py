"""Appointments and visits that staff record for a person (register B's customer data).

Staff record them on a person's page; the person sees them under My data.
"""


def init_app(app):
    """Register the page that records an appointment or a visit."""
    from .views import bp
    app.register_blueprint(bp)
