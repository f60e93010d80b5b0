/* The workflow's admin page: the diagram is redrawn from the form as it is edited (the server draws it
   from the posted, unsaved form), and each transition's state lists follow the states table. */
'use strict';
function lowcodeWorkflowEditor() {
    const box = document.getElementById('workflow-diagram-box');
    const form = box && box.closest('form');
    const STATE_INPUTS = 'input[name^="states-"][name$="-state"]';

    function stateNames() {
        const names = [];
        form.querySelectorAll(STATE_INPUTS).forEach(function(input) {
            if (input.name.includes('__prefix__')) return;
            const remove = form.querySelector('input[name="' + input.name.replace(/-state$/, '-DELETE') + '"]');
            const name = input.value.trim();
            if (name && !(remove && remove.checked) && !names.includes(name)) names.push(name);
        });
        return names;
    }

    function syncStateChoices() {
        const names = stateNames();
        form.querySelectorAll('select.lowcode-state-select').forEach(function(select) {
            const value = select.value;
            const options = [['', '---------']].concat(names.map(function(n) { return [n, n]; }));
            if (value && !names.includes(value)) options.push([value, value + '（不在状态中）']);
            select.replaceChildren.apply(select, options.map(function(pair) {
                const option = new Option(pair[1], pair[0]);
                option.selected = pair[0] === value;
                return option;
            }));
            if (window.jQuery) window.jQuery(select).trigger('change.select2');  // the theme's select2 shows the new text
        });
    }

    let timer = null;
    let sent = 0;
    function redraw() {
        const number = ++sent;
        fetch(box.dataset.diagramUrl, {method: 'POST', body: new FormData(form), credentials: 'same-origin'})
            .then(function(response) { return response.ok ? response.text() : Promise.reject(response.status); })
            .then(function(svg) {
                if (number !== sent) return;  // a later edit's drawing is on its way
                box.innerHTML = svg;
                box.dataset.drawings = String(number);
            })
            .catch(function() { /* the drawing is only an aid: saving still checks the workflow */ });
    }

    function edited(event) {
        const name = (event && event.target && event.target.name) || '';
        if (event && event.type !== 'formset:added' && event.type !== 'formset:removed'
                && !/^(states|transitions)-\d+-|^name$/.test(name)) return;
        syncStateChoices();
        clearTimeout(timer);
        timer = setTimeout(redraw, 250);
    }

    if (form && box.dataset.diagramUrl) {
        form.addEventListener('input', edited);
        form.addEventListener('change', edited);
        document.addEventListener('formset:added', edited);
        document.addEventListener('formset:removed', edited);
        // The admin theme's select2 boxes announce a choice through jQuery only, which native listeners never hear.
        [window.jQuery, window.django && window.django.jQuery].filter(Boolean).forEach(function(jq, i, all) {
            if (all.indexOf(jq) === i) jq(form).on('change', 'select', function(event) { edited(event.originalEvent || event); });
        });
        syncStateChoices();
    }
}
if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', lowcodeWorkflowEditor);
} else {
    lowcodeWorkflowEditor();
}
