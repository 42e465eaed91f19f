/* ipcity: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      if (el.form.hasAttribute("hx-get")) { return; } /* htmx handles it */
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { ev.preventDefault(); }
  });
  document.addEventListener("htmx:responseError", function (ev) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    var xhr = ev.detail && ev.detail.xhr;
    var text = "";
    if (xhr && xhr.responseText) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var lead = doc.querySelector(".lead, .alert.error");
      text = lead ? lead.textContent.trim() : (doc.body ? doc.body.textContent.trim().slice(0, 300) : "");
    }
    box.textContent = text || ("HTTP " + (xhr ? xhr.status : "?"));
    box.hidden = false;
  });
})();
