"""Posting the admin's change forms from tests."""


def form_data(response) -> dict:
    """What the admin's change form would post back unchanged: the form and its inline formsets."""

    def values(form, data):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    data = {}
    values(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        values(formset.management_form, data)
        for form in formset.forms:
            values(form, data)
    return data
