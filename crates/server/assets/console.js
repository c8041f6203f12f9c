// Kaifang console: the few behaviours plain forms cannot do. No dependencies.
//  - [data-copy="ID"] buttons copy the value (or text) of element ID and say so briefly;
//  - select[data-autosubmit] submits its form when changed (the forms work without it too);
//  - [data-confirm="text"] buttons ask before submitting.
(function () {
  'use strict';
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-http hosts have no clipboard API: copy through a selected, hidden textarea.
    var t = document.createElement('textarea');
    t.value = text;
    t.setAttribute('readonly', '');
    t.style.position = 'fixed';
    t.style.opacity = '0';
    document.body.appendChild(t);
    t.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(t); }
    return Promise.resolve();
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest('[data-copy]');
    if (b) {
      e.preventDefault();
      var el = document.getElementById(b.getAttribute('data-copy'));
      if (!el) return;
      var text = 'value' in el && el.tagName !== 'BUTTON' ? el.value : el.textContent;
      copyText(text.trim()).then(function () {
        var label = b.textContent;
        b.textContent = b.getAttribute('data-copied') || '✓';
        b.classList.add('copied');
        setTimeout(function () { b.textContent = label; b.classList.remove('copied'); }, 1500);
      });
      return;
    }
    var c = e.target.closest('[data-confirm]');
    if (c && !window.confirm(c.getAttribute('data-confirm'))) e.preventDefault();
  });
  document.addEventListener('change', function (e) {
    var s = e.target.closest('select[data-autosubmit]');
    if (s && s.form) s.form.submit();
  });
})();
