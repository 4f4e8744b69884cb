// Lodestar's own page behaviour. Kept in this file (never inline) so the content security
// policy can refuse every inline script and event-handler attribute.
"use strict";

// "Go back" links: back in history when there is one, otherwise the link's own target.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-go-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// htmx swaps only 2xx answers; a form listing statuses in data-swap-statuses (for example
// "409 422") also shows those answers in place, since they carry what the person must correct.
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.elt.closest("[data-swap-statuses]");
  if (!form) return;
  const statuses = form.dataset.swapStatuses.split(/\s+/);
  if (statuses.includes(String(event.detail.xhr.status))) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
