// The admin's autocomplete pickers (select2) label their combobox with the value shown,
// which is empty until something is chosen: screen readers then announce a nameless field
// (axe-core: aria-input-field-name). Name each one after its form label instead. Runs as
// a document-ready handler registered after the admin's own (autocomplete.js builds the
// pickers in one), so the pickers exist.
"use strict";
function nameAutocompletePickers() {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const picker = select.parentElement && select.parentElement.querySelector(".select2");
    if (!label || !picker) continue;
    const name = label.textContent.replace(/:\s*$/, "").trim();
    for (const field of picker.querySelectorAll("[role=combobox], [role=textbox]")) {
      field.setAttribute("aria-label", name);
      field.removeAttribute("aria-labelledby");
    }
  }
}
if (window.django && window.django.jQuery) {
  window.django.jQuery(nameAutocompletePickers);
} else {
  window.addEventListener("load", nameAutocompletePickers);
}
