"""Exports to processors (Art. 19)."""


def init_app(app):
    """Register the processor export pages."""
    from .views import init_app as register
    register(app)
