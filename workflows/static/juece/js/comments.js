// The participation form's public comments (templates/workflows/stage_form.html): an added row,
// and each comment's choice of consultation kept in step with the consultations above.
document.querySelectorAll('.juece-comments').forEach(function (section) {
  var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
  var rows = section.querySelector('.juece-comment-rows');
  var row = section.querySelector('.juece-comment-template');
  section.querySelector('.juece-add-comment').onclick = function () {
    var index = parseInt(total.value, 10);
    rows.insertAdjacentHTML('beforeend', row.innerHTML
      .replace(/__prefix__/g, index).replace(/__number__/g, index + 1));
    total.value = index + 1;
  };
  // Each comment names its consultation: a consultation added above is one more choice.
  document.addEventListener('juece:consultations', function (event) {
    var count = event.detail.count;
    function withChoices(select) {
      var groups = JSON.parse(select.getAttribute('optgroups'));
      var label = groups[groups.length - 1].options.label;
      var name = select.getAttribute('name');
      groups = [];
      for (var n = 1; n <= count; n++) {
        groups.push({name: '', options: {name: name, value: String(n), index: String(n - 1),
          label: label.replace(/\d+/, String(n)), selected: false, attrs: {}}});
      }
      var value = select.getAttribute('value') || '1';
      groups.forEach(function (g) { g.options.selected = g.options.value === value; });
      select.setAttribute('optgroups', JSON.stringify(groups));
    }
    rows.querySelectorAll('vf-field-select[name$="-consultation"]').forEach(withChoices);
    var holder = document.createElement('div');
    holder.innerHTML = row.innerHTML;
    holder.querySelectorAll('vf-field-select[name$="-consultation"]').forEach(withChoices);
    row.innerHTML = holder.innerHTML;
  });
});
