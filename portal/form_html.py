"""Form fields as accessible HTML: a label, a hint, the error tied to the field,
and focus on the first field with an error (which needs no JavaScript).

Written in Python with explicit escaping rather than as Jinja macros or
WTForms widgets: on a page with a form those were the most expensive part of
rendering it (measured with benchmarks/http_pages.py). Templates call
`field(form.name, form, hint=..., autocomplete=...)` and friends.
"""
from flask import g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .translate import gettext


def _first_error(form):
    errors = form.errors
    return next(iter(errors), None) if errors else None


def _error(f):
    return f'<p class="field-error" id="{escape(f.id)}-error">{escape(f.errors[0])}</p>' if f.errors else ""


def _opening(f, fid):
    """Return the start of a field's block: its container and its label."""
    return f'<div class="field{" has-error" if f.errors else ""}">\n<label for="{fid}">{escape(f.label.text)}</label>\n'


def field(f, form, hint=None, autocomplete=None, inputmode=None, autofocus=False):
    """Render a text-like input (text, email, password, tel) with its label."""
    kind, fid = f.widget.input_type, escape(f.id)
    parts = [_opening(f, fid)]
    if hint:
        parts.append(f'<p class="hint" id="{fid}-hint">{escape(hint)}</p>')
    parts.append(_error(f))
    parts.append(f'<input id="{fid}" name="{escape(f.name)}" type="{kind}"')
    if kind != "password":
        parts.append(f' value="{escape(f._value())}"')
    if f.flags.maxlength:
        parts.append(f' maxlength="{int(f.flags.maxlength)}"')
    if autocomplete:
        parts.append(f' autocomplete="{escape(autocomplete)}"')
    if inputmode:
        parts.append(f' inputmode="{escape(inputmode)}"')
    if f.flags.required:
        parts.append(' aria-required="true"')
    if hint or f.errors:
        described = " ".join(x for x, show in ((f"{fid}-hint", hint), (f"{fid}-error", f.errors)) if show)
        parts.append(f' aria-describedby="{described}"')
    if f.errors:
        parts.append(' aria-invalid="true"')
    if f.name == _first_error(form) or (autofocus and not form.errors):
        parts.append(" autofocus")
    parts.append(">\n</div>")
    return Markup("".join(parts))


def textarea(f, form, hint=None, rows=4):
    """Render a multi-line text field with its label, hint and error."""
    fid = escape(f.id)
    parts = [_opening(f, fid)]
    if hint:
        parts.append(f'<p class="hint" id="{fid}-hint">{escape(hint)}</p>')
    parts.append(_error(f))
    attrs = f' maxlength="{int(f.flags.maxlength)}"' if f.flags.maxlength else ""
    if hint or f.errors:
        described = " ".join(x for x, show in ((f"{fid}-hint", hint), (f"{fid}-error", f.errors)) if show)
        attrs += f' aria-describedby="{described}"'
    if f.errors:
        attrs += ' aria-invalid="true"'
    if f.name == _first_error(form):
        attrs += " autofocus"
    parts.append(f'<textarea id="{fid}" name="{escape(f.name)}" rows="{int(rows)}"{attrs}>'
                 f'{escape(f.data or "")}</textarea>\n</div>')
    return Markup("".join(parts))


def checkbox(f, form, hint=None):
    """Render a checkbox with its label after it."""
    fid = escape(f.id)
    attrs = " checked" if f.data else ""
    if f.errors:
        attrs += f' aria-invalid="true" aria-describedby="{fid}-error"'
    if f.name == _first_error(form):
        attrs += " autofocus"
    hint_html = f'<p class="hint">{escape(hint)}</p>' if hint else ""
    return Markup(f'<div class="field checkbox{" has-error" if f.errors else ""}">\n{_error(f)}'
                  f'<input id="{fid}" name="{escape(f.name)}" type="checkbox" value="y"{attrs}>\n'
                  f'<label for="{fid}">{escape(f.label.text)}</label>\n{hint_html}</div>')


def radios(f, form):
    """Render a group of radio buttons as a fieldset with a legend."""
    first = _first_error(form) == f.name
    options = []
    for index, option in enumerate(f):
        oid, value = escape(option.id), escape(option.data)
        extra = (" checked" if option.checked else "") + (" autofocus" if first and index == 0 else "")
        options.append(f'<div class="radio"><input id="{oid}" name="{escape(f.name)}" type="radio" value="{value}"'
                       f'{extra}><label for="{oid}" lang="{value}">{escape(option.label.text)}</label></div>')
    described = f' aria-describedby="{escape(f.id)}-error"' if f.errors else ""
    return Markup(f'<fieldset class="field radios{" has-error" if f.errors else ""}"{described}>\n'
                  f'<legend>{escape(f.label.text)}</legend>\n{_error(f)}{chr(10).join(options)}\n</fieldset>')


def error_summary(form, error=None):
    """Render the list of problems at the top of a form, each linking to its field."""
    if not error and not form.errors:
        return ""
    items = [f"<li>{escape(error)}</li>"] if error else []
    for name, errors in form.errors.items():
        if name != "csrf_token":
            label = str(form[name].label.text).rstrip(".")
            items.append(f'<li><a href="#{escape(form[name].id)}">{escape(label)}: {escape(errors[0])}</a></li>')
    return Markup(f'<div class="error-summary" role="alert">\n<h2>{escape(gettext("Please check the form"))}</h2>\n'
                  f'<ul>{"".join(items)}</ul>\n</div>')


def csrf_token():
    """Return this request's signed CSRF token, made once per request."""
    try:
        return g.csrf_token
    except AttributeError:
        return generate_csrf()


def csrf():
    """Render the hidden CSRF field of a form."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">')


def init_app(app):
    """Offer the field helpers to every template."""
    app.jinja_env.globals.update(field=field, checkbox=checkbox, radios=radios, textarea=textarea,
                                 error_summary=error_summary, csrf=csrf, csrf_token=csrf_token)
