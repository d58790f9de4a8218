"""The privacy notice pages, generated from the register definition, and the record of
processing activities (Art. 30) from the same source. Its versions are the register's
(`register/versions.py`).
"""


def init_app(app):
    """Register the notice pages, `flask register ropa` and the notice's template helpers."""
    from ..register.fields import field_names
    from . import ropa, views

    app.register_blueprint(views.bp)
    app.cli.add_command(ropa.register_cli)
    app.jinja_env.globals.update(notice_changed=views.notice_changed, field_names=field_names,
                                 basis_name=lambda key: views.BASIS_NAMES[key],
                                 transfer_name=lambda key: views.TRANSFER_NAMES[key])
