"""Staff: the second factor (TOTP and recovery codes), invitations, roles, access and people search."""


def init_app(app):
    """Register the staff pages; key the recovery codes kept from before migration 0006."""
    from .totp import wrap_legacy_codes
    from .views import bp

    app.register_blueprint(bp)
    app.extensions.setdefault("after_upgrade", []).append(wrap_legacy_codes)
