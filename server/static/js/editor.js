/* Query editor: YASGUI against this server's /sparql, offline (no autocompleter that calls
 * a web service, no saved state from other sites), with the named queries as example tabs. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var byName = new Map(config.queries.map(function (q) { return [q.name, q]; }));
  var info = document.getElementById("example-info");
  var first = byName.get(config.first) || config.queries[0];

  // Result tables show plain values ("5", not "5"^^xsd:integer): the table plugin's own
  // "Simple view" switch, on by default (a reader can still switch it off).
  var table = Yasgui.Yasr && Yasgui.Yasr.defaults.plugins && Yasgui.Yasr.defaults.plugins.table;
  if (table) { table.dynamicConfig = Object.assign({ compact: true }, table.dynamicConfig); }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    tabName: first ? first.title : "Query",
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    yasqe: { autocompleters: ["variables", "prefixes"], value: first ? first.text : "" },
    yasr: { defaultPlugin: "table" }
  });
  window.kkgYasgui = yasgui;  // for the browser tests

  function describe(q) {
    info.replaceChildren();
    var title = document.createElement("strong");
    title.textContent = q.title;
    info.append(title, document.createElement("br"), q.description);
    q.params.forEach(function (p) {
      var line = document.createElement("div");
      line.textContent = "?" + p.name + " (" + p.kind + (p.default !== null ? ", default " + p.default : "") +
        "): " + p.description;
      info.appendChild(line);
    });
  }

  function open(q) {
    var existing = Object.keys(yasgui._tabs).map(function (id) { return yasgui.getTab(id); })
      .filter(function (tab) { return tab && tab.getName() === q.title; })[0];
    var tab = existing ? yasgui.selectTabId(existing.getId()) : yasgui.addTab(true, { name: q.title });
    tab.setQuery(q.text);
    describe(q);
    return tab;
  }

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var q = byName.get(button.dataset.query);
      if (q) { open(q); }
    });
  });
  if (first) { describe(first); }
}());
