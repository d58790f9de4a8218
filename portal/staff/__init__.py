"""Staff: the second factor (TOTP and recovery codes), invitations, roles, access and people search."""


def init_app(app):
    """Register the staff pages."""
    from .views import bp
    app.register_blueprint(bp)
