// The participation form's consultations (templates/workflows/stage_form.html): an added row,
// and each row's fields shown for its method. A file, not an inline script: the
// Content-Security-Policy runs no inline script.
document.querySelectorAll('.juece-consultations').forEach(function (section) {
  var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
  var rows = section.querySelector('.juece-consultation-rows');
  var row = section.querySelector('.juece-consultation-template');
  var hearingFields = '[name$="-hearing_on"], [name$="-materials_sent_on"], [name$="-record_confirmed"]';
  // Arts. 16-17: a hearing's own fields are shown for a hearing only; Art. 15: the
  // reason for a window under 30 days, for the open consultation of the public only.
  function showHearing(fieldset, method) {
    fieldset.querySelectorAll(hearingFields).forEach(function (field) {
      var cell = field.closest('.mdc-layout-grid__cell') || field;
      cell.hidden = method !== 'hearing';
    });
    fieldset.querySelectorAll('[name$="-shortening_reason"]').forEach(function (field) {
      var cell = field.closest('.mdc-layout-grid__cell') || field;
      cell.hidden = method !== 'online' && !field.hasAttribute('error');
    });
  }
  rows.querySelectorAll('fieldset.juece-consultation').forEach(function (fieldset) {
    var method = fieldset.querySelector('[name$="-method"]');
    showHearing(fieldset, method ? method.getAttribute('value') : '');
  });
  section.addEventListener('change', function (event) {
    var target = event.target;
    if (!target.getAttribute || !/-method$/.test(target.getAttribute('name') || '')) return;
    var value = event.detail && event.detail.value !== undefined ? event.detail.value : target.value;
    showHearing(target.closest('fieldset.juece-consultation'), value);
  });
  section.querySelector('.juece-add-consultation').onclick = function () {
    var index = parseInt(total.value, 10);
    rows.insertAdjacentHTML('beforeend', row.innerHTML
      .replace(/__prefix__/g, index).replace(/__number__/g, index + 1));
    total.value = index + 1;
    showHearing(rows.lastElementChild, '');
    document.dispatchEvent(new CustomEvent('juece:consultations', {detail: {count: index + 1}}));
  };
});
