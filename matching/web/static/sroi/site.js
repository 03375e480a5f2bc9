// After htmx swaps a region in, move the keyboard focus to its first heading (if it has one),
// so that screen-reader and keyboard users notice the new content.
document.addEventListener("htmx:afterSwap", function (event) {
  var heading = event.detail.target.querySelector("h1, h2, h3");
  if (heading && event.detail.target.hasAttribute("data-focus-on-swap")) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
