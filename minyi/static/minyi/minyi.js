// Panels marked data-open-wide (the inbox filters, say) start open on a desk screen and folded on a
// phone, where they would otherwise push the list below the fold.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach((panel) => {
      panel.open = true;
    });
  }
});
