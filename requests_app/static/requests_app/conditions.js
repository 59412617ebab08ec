// Progressive enhancement of the request form: hide a question whose condition is not
// met (the server validates every answer and drops hidden ones whatever this does).
(function () {
  "use strict";
  function answer(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.closest(".field") && input.closest(".field").hidden) { return; }
      values.push(input.value);
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-condition-key]").forEach(function (field) {
      var values = answer(form, field.dataset.conditionKey);
      field.hidden = values.indexOf(field.dataset.conditionValue) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".request-form");
    if (!form) { return; }
    form.querySelectorAll(".condition-note").forEach(function (note) { note.hidden = true; });
    update(form);
    update(form);
    form.addEventListener("change", function () { update(form); update(form); });
  });
})();
