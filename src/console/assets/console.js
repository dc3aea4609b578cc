// The console's own script (served from this server; the CSP allows no other). It fills a password
// the user types into the requests to copy — encoded as each form needs it — and never sends it
// anywhere; copies those requests; and switches an answer between XML and CSV.
(function () {
  'use strict';
  var MASK = '********';
  var ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  // The same encodings as src/console/request-to-copy.ts encodeSecret.
  var encoders = {
    url: function (text) { return encodeURIComponent(text); },
    shell: function (text) { return text.split("'").join("'\\''"); },
    html: function (text) { return text.replace(/[&<>"']/g, function (ch) { return ESCAPES[ch]; }); },
  };
  // Kept in this page's memory only, so that the next answer's copies are filled in too.
  var typed = '';

  function fill(panel, password) {
    panel.querySelectorAll('[data-secret]').forEach(function (span) {
      span.textContent = password === '' ? MASK : encoders[span.getAttribute('data-secret')](password);
    });
  }

  document.addEventListener('input', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-fill-password')) return;
    typed = input.value;
    var panel = input.closest('.panel');
    if (panel) fill(panel, typed);
  });

  document.addEventListener('change', function (event) {
    var radio = event.target;
    if (!(radio instanceof HTMLInputElement) || !radio.hasAttribute('data-variant-choice')) return;
    var panel = radio.closest('.panel');
    if (!panel) return;
    panel.querySelectorAll('[data-variant]').forEach(function (element) {
      element.hidden = element.getAttribute('data-variant') !== radio.value;
    });
  });

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var done = function (label) {
      button.textContent = label;
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    };
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done('Selected: press Ctrl+C');
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent).then(function () { done('Copied'); }, select);
    } else {
      select();
    }
  });

  // A new answer (htmx swapped it in): fill its copies with the password typed before.
  document.addEventListener('htmx:afterSettle', function () {
    if (typed === '') return;
    document.querySelectorAll('.panel').forEach(function (panel) {
      var input = panel.querySelector('[data-fill-password]');
      if (input && input.value === '') {
        input.value = typed;
        fill(panel, typed);
      }
    });
  });
})();
