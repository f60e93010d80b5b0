/* A custom field's page: "位于字段之后" lists the fields of the doctype picked above, as soon as it is picked. */
'use strict';
function lowcodeCustomFieldForm() {
    const select = document.querySelector('select[name=insert_after]');
    const doctype = document.querySelector('select[name=dt]');
    if (!select || !doctype || !select.dataset.fieldsByDoctype) return;  // the doctype is fixed once saved
    const fieldsByDoctype = JSON.parse(select.dataset.fieldsByDoctype);

    function refill() {
        const value = select.value;
        const fields = fieldsByDoctype[doctype.value] || [];
        const choices = [['', '（放在最后）']].concat(fields);
        select.replaceChildren.apply(select, choices.map(function(pair) {
            const option = new Option(pair[1], pair[0]);
            option.selected = pair[0] === value;
            return option;
        }));
        if (window.jQuery) window.jQuery(select).trigger('change.select2');
    }

    doctype.addEventListener('change', refill);
    // The admin theme's select2 boxes announce a choice through jQuery only, which native listeners never hear.
    [window.jQuery, window.django && window.django.jQuery].filter(Boolean).forEach(function(jq, i, all) {
        if (all.indexOf(jq) === i) jq(doctype).on('change', function(event) { if (!event.originalEvent) refill(); });
    });
}
if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', lowcodeCustomFieldForm);
} else {
    lowcodeCustomFieldForm();
}
