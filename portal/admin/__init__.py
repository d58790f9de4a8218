"""Staff pages about people: dashboard, search, a person's page, the audit log."""


def init_app(app):
    """Register the admin pages and the filter that names codes for people."""
    from .labels import label
    from .views import bp

    app.register_blueprint(bp)
    app.jinja_env.filters["label"] = label
