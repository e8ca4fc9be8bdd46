// strategy-site: search, on Pagefind's index (search_index.py writes it into pagefind/ at the
// site's root), in Material's search box and overlay (partials/search.html).
//
// - Nothing is downloaded until a reader opens search: then Pagefind's script and the small
//   part of its index that says where the rest is; each query fetches only the fragments of
//   the index that hold its words, and the excerpts of the results shown. So the first search
//   costs about the same on a site of one partnership as on one of three hundred.
// - Everything is found relative to the page (Material's configuration gives the site's root
//   as a relative base_url), so search works wherever the site is served, under any sub-path.
// - The number of results is written into a live region (role="status") once the reader stops
//   typing, so a screen reader hears it; the results are a list of links, each the page's title,
//   followed by the words around the match with the match marked. The message names the words
//   too, so a narrower query with as many results is still heard. Enter in the box moves focus
//   to the first result of what the box says now (searching first if the list is older), the
//   arrow keys move between the box and the results, Escape closes search and leaves focus
//   where the reader can go on (the Search button on a phone, strategy.js; the box on a
//   desktop), so does focus leaving it. There are no single-key shortcuts (WCAG 2.1.4: a
//   speech-input user's words, or a stray key, would open search).
// - Every word it writes is the page's (partials/search.html's data-strategy-* attributes, in the
//   page's language: Material's strings and our catalog's), none is written here.
// - If the index cannot be loaded, the message says so once; it is tried again when the reader
//   asks (Enter), not at every key, so a screen reader is not told twice per key.
// - A result's link carries the words (?h=...): on arriving, Pagefind's highlighter marks them.
// - The excerpts are Pagefind's text with <mark> around matches: they are copied as text and
//   marks only, never inserted as HTML.
(function () {
  "use strict";
  var PAGE_SIZE = 10;
  var WAIT = 300; // ms after the last key before searching
  var config = document.getElementById("__config");
  var settings = config ? JSON.parse(config.textContent) : {};
  var root = new URL(String(settings.base || ".").replace(/\/?$/, "/"), document.baseURI);
  var bundle = new URL("pagefind/", root);

  // Arriving from a result: mark the words searched for.
  if (new URLSearchParams(window.location.search).has("h")) {
    import(new URL("pagefind-highlight.js", bundle).href).then(function () {
      new window.PagefindHighlight({ highlightParam: "h" });
    }).catch(function () { /* the page reads as it is */ });
  }

  var dialog = document.querySelector("[data-strategy-search]");
  var toggle = document.getElementById("__search");
  if (!dialog || !toggle) return;
  var form = dialog.querySelector("form");
  var input = dialog.querySelector(".md-search__input");
  var status = dialog.querySelector(".md-search-result__meta");
  var list = dialog.querySelector(".md-search-result__list");
  var more = dialog.querySelector(".strategy-search-more");
  var words = dialog.dataset; // what search says, in the page's language (partials/search.html)
  var UNAVAILABLE = words.strategyUnavailable;
  var engine = null;
  var failed = false; // the index could not be loaded: try again only on Enter
  var found = [];
  var shown = 0;
  var listed = null; // the query the results shown are for
  var resting = false; // focus is being put back in the box as search closes

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function count(total) {
    if (total === 0) return words.strategyNone;
    if (total === 1) return words.strategyOne;
    return words.strategyOther.replace("#", String(total));
  }

  function load(retry) {
    if (!engine && failed && !retry) return Promise.reject(new Error(UNAVAILABLE));
    if (!engine) {
      failed = false;
      say(words.strategyInitializer);
      engine = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: root.pathname, highlightParam: "h" })
          .then(function () { return pagefind; });
      });
      engine.then(function () {
        if (!input.value.trim()) say(words.strategyPlaceholder);
      }, function () {
        say(UNAVAILABLE);
        engine = null;
        failed = true;
      });
    }
    return engine;
  }

  // Pagefind's excerpt is text with <mark> around the matches: copy exactly that.
  function appendMarked(into, excerpt) {
    var parsed = document.createElement("template");
    parsed.innerHTML = excerpt;
    parsed.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        into.appendChild(mark);
      } else {
        into.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function item(data) {
    var entry = document.createElement("li");
    entry.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    var excerpt = document.createElement("p");
    excerpt.className = "strategy-search-excerpt";
    appendMarked(excerpt, data.excerpt || "");
    entry.appendChild(link);
    entry.appendChild(excerpt);
    return entry;
  }

  function showMore() {
    var batch = found.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    more.hidden = shown >= found.length;
    return Promise.all(batch.map(function (result) { return result.data(); }))
      .then(function (pages) {
        var items = pages.map(item);
        items.forEach(function (entry) { list.appendChild(entry); });
        return items;
      });
  }

  // The list is about to be replaced: focus in it would fall to the page's body.
  function clearList() {
    if (list.contains(document.activeElement)) input.focus();
    list.replaceChildren();
  }

  var latest = 0;
  function search(now) {
    var query = input.value.trim();
    var asked = ++latest;
    return load(now).then(function (pagefind) {
      if (!query) {
        found = [];
        listed = null;
        clearList();
        more.hidden = true;
        say(words.strategyPlaceholder);
        return null;
      }
      return (now ? pagefind.search(query) : pagefind.debouncedSearch(query, {}, WAIT))
        .then(function (answer) {
          if (!answer || asked !== latest) return null; // a later query replaced this one
          found = answer.results;
          shown = 0;
          listed = query;
          clearList();
          return showMore().then(function () {
            if (asked === latest) say("\u201c" + query + "\u201d: " + count(found.length));
          });
        });
    }).catch(function () {
      if (asked === latest) say(UNAVAILABLE);
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link"));
  }

  function setOpen(open) {
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change")); // strategy.js moves focus in or back out
  }

  toggle.addEventListener("change", function () {
    if (toggle.checked) load().catch(function () { /* said */ });
  });
  // On a desktop the box is in the header: reaching it, or typing in it, opens search.
  input.addEventListener("focus", function () {
    if (resting) return;
    setOpen(true);
    load().catch(function () { /* said */ });
  });
  input.addEventListener("input", function () { setOpen(true); search(false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first && listed === input.value.trim()) {
      first.focus();
    } else { // the list shown is for other words, or there is none yet
      search(true).then(function () {
        var now = links()[0];
        if (now) now.focus();
      });
    }
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { search(true); input.focus(); }, 0);
  });
  more.addEventListener("click", function () {
    showMore().then(function (items) {
      var link = items[0] && items[0].querySelector("a");
      if (link) link.focus();
    });
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.target === input && event.key === "ArrowDown" && all.length) {
      all[0].focus();
    } else if (at >= 0 && event.key === "ArrowDown" && at + 1 < all.length) {
      all[at + 1].focus();
    } else if (at > 0 && event.key === "ArrowUp") {
      all[at - 1].focus();
    } else if (at === 0 && event.key === "ArrowUp") {
      input.focus();
    } else {
      return;
    }
    event.preventDefault();
  });

  // Focus leaving search closes it (as Material's did): on a desktop the box is in the header's
  // tab order, and the open overlay would cover every stop after it.
  document.addEventListener("focusin", function (event) {
    if (toggle.checked && !dialog.contains(event.target)) setOpen(false);
  });

  // Escape closes search. On a phone strategy.js gives focus back to the Search button; on a
  // desktop that button is not shown, so focus goes back to the box in the header (without
  // opening search again: typing does that).
  var opener = document.querySelector('button[data-strategy-toggle="__search"]');
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !toggle.checked) return;
    var inside = dialog.contains(document.activeElement);
    setOpen(false);
    if (inside && !(opener && opener.getClientRects().length)) {
      resting = true;
      input.focus();
      resting = false;
    }
  });
}());
