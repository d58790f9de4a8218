"""Importing subscribers with their consent evidence."""


def init_app(app):
    """Register the import pages."""
    from .views import init_app as register
    register(app)
