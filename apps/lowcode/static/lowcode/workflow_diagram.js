/* A workflow diagram wider than the screen (a phone) starts scrolled to the document's current state. */
'use strict';
document.querySelectorAll('.workflow-diagram').forEach(function(box) {
    const current = box.querySelector('.wf-current rect');
    if (!current || box.scrollWidth <= box.clientWidth) return;
    const centre = parseFloat(current.getAttribute('x')) + parseFloat(current.getAttribute('width')) / 2;
    box.scrollLeft = Math.max(0, centre - box.clientWidth / 2);
});
