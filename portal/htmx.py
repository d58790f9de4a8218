"""One place that decides between a whole page and an htmx fragment.

A partial request is an htmx request that is neither boosted nor a history
restore; those get whole pages. Redirects become `HX-Redirect` for htmx.
"""
from flask import make_response, redirect, render_template, request, session, url_for


def is_partial_request():
    """Return True when htmx asked for a fragment, not a page."""
    headers = request.headers
    return (headers.get("HX-Request") == "true"
            and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") != "true")


def render_page(page, fragment=None, status=200, **context):
    """Render `fragment` for a partial request, else the whole `page`."""
    template = fragment if fragment and is_partial_request() else page
    return make_response(render_template(template, **context), status)


def render_form(page, form, fragment=None, failed=False, **context):
    """Render a page (or its fragment for htmx) with `form`: 422 when the form has errors, else 200.

    `failed` marks an answer that refused the form without a field error (a wrong password).
    """
    return render_page(page, fragment, 422 if form.errors or failed else 200, form=form, **context)


def redirect_to(endpoint, **values):
    """Redirect after a successful POST: 303, or HX-Redirect for htmx."""
    location = endpoint if endpoint.startswith("/") else url_for(endpoint, **values)
    if is_partial_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def init_app(app):
    """Vary on HX-Request; show pending flash messages out of band in fragments."""

    @app.after_request
    def _vary_and_flash(response):
        response.vary.add("HX-Request")
        if (is_partial_request() and response.status_code in (200, 422)
                and response.mimetype == "text/html" and session.get("_flashes")):
            flashes = render_template("_flash.html")
            response.set_data(response.get_data()
                              + ('<div id="flash" class="wrap" aria-live="polite" hx-swap-oob="true">'
                                 f'{flashes}</div>').encode())
        return response
