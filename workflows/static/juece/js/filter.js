// A list's filter applies itself when a choice changes (form.juece-filter, e.g. the decisions'
// stage). A file, not an inline onchange: the Content-Security-Policy runs no inline script.
document.querySelectorAll('form.juece-filter select').forEach(function (select) {
  select.addEventListener('change', function () { select.form.submit(); });
});
