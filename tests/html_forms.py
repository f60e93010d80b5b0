"""The forms of an HTML page as a browser would submit them: read from the page itself, not from the view's context.

Only the standard library (html.parser): the crawler and the revert tests post
a page's own form back with its current values, one field changed.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


@dataclass
class HtmlForm:
    action: str
    method: str
    attrs: dict
    fields: list = field(default_factory=list)  # [(name, value)], in page order, as a browser sends them
    # Text inputs and text areas a test may change: [(name, input type)].
    editable: list = field(default_factory=list)
    submits: list = field(default_factory=list)  # [(name, value)] of the submit buttons ("" for a nameless one)

    def data(self, submit: str | None = None, **changes) -> dict:
        """The form's values as the test client posts them (lists for repeated names), ``changes`` applied."""
        values: dict = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        if submit:
            values[submit] = [dict(self.submits).get(submit, "")]
        for name, value in changes.items():
            values[name] = [value]
        return {name: v[0] if len(v) == 1 else v for name, v in values.items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.form: HtmlForm | None = None
        self.select = None  # (name, multiple, [options], [selected])
        self.option = None  # [value or None, text]
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            self.form = HtmlForm(action=a.get("action", ""), method=a.get("method", "get").lower(), attrs=a)
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        kind = a.get("type", "text").lower()
        if tag == "input" and kind in ("submit", "image"):
            self.form.submits.append((name or "", a.get("value", "")))
        elif tag == "input" and name:
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind not in NOT_SUBMITTED:
                self.form.fields.append((name, a.get("value", "")))
                if kind in ("text", "number", "email", "url", "tel", "search", "") and "readonly" not in a:
                    self.form.editable.append((name, kind))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self.form.submits.append((name or "", a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, "multiple" in a, [], [])
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), ""]
            if "selected" in a:
                self.select[3].append(self.option)
            self.select[2].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options, selected = self.select
            chosen = selected if multiple else (selected[-1:] or options[:1])
            for value, text in chosen:
                self.form.fields.append((name, value if value is not None else text.strip()))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            text = text[1:] if text.startswith("\n") else text
            self.form.fields.append((name, text))
            self.form.editable.append((name, "textarea"))
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms_of(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def main_form(html: str) -> HtmlForm | None:
    """The page's own POST form (the change form, a confirmation …): the one with the most fields,
    never the logout or search form of the page's frame."""
    candidates = [
        f
        for f in forms_of(html)
        if f.method == "post"
        and "logout" not in f.action
        and any(name == "csrfmiddlewaretoken" for name, _ in f.fields)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda f: len(f.fields) + len(f.submits))
