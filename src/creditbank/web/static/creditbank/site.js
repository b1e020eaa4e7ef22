// Small behaviours that inline handlers would give, kept here because the CSP forbids inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
