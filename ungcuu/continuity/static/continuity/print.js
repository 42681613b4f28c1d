// "In" buttons open the browser's print dialog; the page itself is the printout.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
