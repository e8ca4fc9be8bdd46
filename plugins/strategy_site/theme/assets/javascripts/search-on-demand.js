// strategy-site: the search index is downloaded when a reader opens search, not on every visit.
// Material requests search/search_index.json as soon as any page loads. The index holds the
// text of every page on the site, so on a site of many strategies it is megabytes that every
// phone would download for nothing. This script runs before Material's bundle: the index
// request is sent when the search box first has focus (clicking or tapping Search and the
// keyboard shortcuts all focus it). Material shows "Initializing search" meanwhile, and keeps
// what the reader types until the index is ready.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var request = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (!request) {
    return;
  }
  var open = request.open;
  var send = request.send;
  var opened = false;
  var waiting = [];
  request.open = function (method, address) {
    this.strategySearchIndex = INDEX.test(String(address));
    return open.apply(this, arguments);
  };
  request.send = function () {
    var xhr = this;
    var body = arguments;
    if (xhr.strategySearchIndex && !opened) {
      waiting.push(function () {
        send.apply(xhr, body);
      });
      return undefined;
    }
    return send.apply(xhr, body);
  };
  function openSearch() {
    if (!opened) {
      opened = true;
      waiting.splice(0).forEach(function (go) {
        go();
      });
    }
  }
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-md-component=search-query]")) {
      openSearch();
    }
  });
  // Arriving from a search result (?h=, to highlight the words) or a shared search (?q=)
  // needs the index at once.
  if (/[?&][hq]=/.test(window.location.search)) {
    openSearch();
  }
}());
