// Tránsito's only script besides htmx. Pages work without it; it adds the
// niceties. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // Validation errors answer 422 with the form fragment: swap it in.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 422 || status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
    // A refused action (403) answers its reason as an out-of-band flash and
    // asks to leave the page as it is (HX-Reswap: none).
    if (status === 403 && e.detail.xhr.getResponseHeader("HX-Reswap") === "none") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
    // Forms marked data-swap-errors render their own error states (the
    // public look-up: 400, 404, 429, 500): swap those in too.
    var elt = e.detail.requestConfig && e.detail.requestConfig.elt;
    if (status >= 400 && elt && elt.closest && elt.closest("[data-swap-errors]")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // Other failed htmx requests (403, 404, 500…) say so in the flash area
  // instead of failing silently.
  document.addEventListener("htmx:responseError", function (e) {
    var area = document.getElementById("flashes");
    if (!area) return;
    var div = document.createElement("div");
    div.setAttribute("role", "alert");
    div.setAttribute("data-testid", "flash-error");
    div.className = "rounded-md border px-4 py-3 text-sm border-red-200 bg-red-50 text-red-900";
    div.textContent = "No se pudo completar la acción (error " + e.detail.xhr.status + "). Vuelva a cargar la página e intente de nuevo.";
    area.replaceChildren(div);
  });

  // Buttons with data-copy="#id" copy that element's text to the clipboard.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy]");
    if (!btn) return;
    var el = document.querySelector(btn.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.value || el.textContent.trim()).then(function () {
      var old = btn.textContent;
      btn.textContent = "¡Copiado!";
      setTimeout(function () { btn.textContent = old; }, 1500);
    });
  });

  // A list's "mark all" box (data-check-all="<form id>") checks or clears
  // the rows of the page that belong to that form, and follows them.
  function rowsOf(all) {
    return document.querySelectorAll('input[name="ids"][form="' + all.getAttribute("data-check-all") + '"]');
  }
  function showCheckAll() {
    document.querySelectorAll("[data-check-all][hidden]").forEach(function (all) { all.hidden = false; });
  }
  showCheckAll();
  document.addEventListener("htmx:afterSettle", showCheckAll);
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches("[data-check-all]")) {
      rowsOf(t).forEach(function (row) { row.checked = t.checked; });
      return;
    }
    if (!t.matches('input[name="ids"][form]')) return;
    var all = document.querySelector('[data-check-all="' + t.getAttribute("form") + '"]');
    if (!all) return;
    var rows = Array.prototype.slice.call(rowsOf(all));
    all.checked = rows.every(function (row) { return row.checked; });
    all.indeterminate = !all.checked && rows.some(function (row) { return row.checked; });
  });

  // Elements with data-confirm="..." ask before submitting (forms) or
  // following (links); without JavaScript the server's confirmation page asks.
  // A required text of only spaces is refused first, as the browser
  // refuses an empty one, so that nobody confirms what will be rejected.
  document.addEventListener("submit", function (e) {
    var blank = Array.prototype.find.call(e.target.querySelectorAll("[data-required]"), function (el) {
      return el.value.trim() === "";
    });
    if (blank) {
      blank.setCustomValidity("Complete este campo.");
      blank.reportValidity();
      blank.addEventListener("input", function () { blank.setCustomValidity(""); }, { once: true });
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);
})();
