// On a phone the main navigation's tabs scroll sideways: bring the current page's tab into
// view, centred, without moving the page itself.
(() => {
  const current = document.querySelector('header.top nav a[aria-current="page"]');
  const tabs = current && current.closest("ul");
  if (!tabs || tabs.scrollWidth <= tabs.clientWidth) return;
  const offset = current.getBoundingClientRect().left - tabs.getBoundingClientRect().left;
  tabs.scrollLeft += offset - (tabs.clientWidth - current.offsetWidth) / 2;
})();
