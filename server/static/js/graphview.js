/* Graph view: draws /graph/data with Cytoscape.js, expands nodes on click, filters by node
 * type and edge certainty, and shows an edge's evidence sentences in the side panel.
 * Text from the graph is only ever put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("graph-config").textContent);
  var statusEl = document.getElementById("graph-status");
  var panel = document.getElementById("graph-panel-body");
  var typeBox = document.getElementById("filter-types");
  var certaintyBox = document.getElementById("filter-certainty");
  var categories = new Map();     // key -> {label, color, hidden}
  var hiddenTypes = new Set();
  var hiddenCertainty = new Set(["inferred"]);
  var expanded = new Set();
  var newlyShown = new Map();     // node id -> nodes its expansion added that are shown
  var claims = new Map();         // claim IRI -> evidence (sent once per claim)
  var certaintyStyle = {
    established: { color: "#1b7837", width: 4.5, style: "solid" },
    supported: { color: "#5aae61", width: 3.5, style: "solid" },
    promising: { color: "#2166ac", width: 3, style: "dashed" },
    preliminary: { color: "#e08214", width: 2.5, style: "dashed" },
    hypothesised: { color: "#8c8c8c", width: 2.5, style: "dotted" }
  };

  var style = [
    { selector: "node", style: {
      "background-color": "data(color)", "shape": "data(shape)", "label": "data(label)",
      "width": 24, "height": 24, "font-size": 12, "color": "#1d2430",
      "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
      "text-wrap": "wrap", "text-max-width": 104,
      "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1.5, "border-width": 1, "border-color": "#ffffff" } },
    { selector: "node.focus", style: { "width": 38, "height": 38, "border-width": 3,
      "border-color": "#1d2430", "font-weight": "bold", "font-size": 13 } },
    { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1d2430" } },
    { selector: "node:selected", style: { "overlay-opacity": 0.15, "overlay-color": "#1d2430" } },
    { selector: "edge", style: {
      "width": 1.5, "line-color": "#b8bec6", "target-arrow-color": "#b8bec6",
      "target-arrow-shape": "triangle", "arrow-scale": 0.9, "curve-style": "bezier",
      "font-size": 10, "color": "#3b4350",
      "text-rotation": "autorotate", "text-background-color": "#ffffff",
      "text-background-opacity": 0.9, "text-background-padding": 1 } },
    { selector: "edge:selected, edge.hover", style: { "label": "data(label)", "z-index": 10 } },
    { selector: "edge.inferred", style: { "line-style": "dashed", "opacity": 0.55 } },
    { selector: "edge.negated", style: { "line-color": "#b2182b", "target-arrow-color": "#b2182b",
      "target-arrow-shape": "tee", "line-style": "dotted", "width": 2.5 } },
    { selector: "edge:selected", style: { "overlay-opacity": 0.2, "overlay-color": "#1d2430",
      "overlay-padding": 4 } },
    { selector: ".filtered", style: { "display": "none" } }
  ];
  Object.keys(certaintyStyle).forEach(function (key) {
    var s = certaintyStyle[key];
    style.splice(style.length - 3, 0, { selector: "edge[certainty = '" + key + "']", style: {
      "line-color": s.color, "target-arrow-color": s.color, "width": s.width,
      "line-style": s.style } });
  });

  var cy = cytoscape({
    container: document.getElementById("cy"), style: style,
    minZoom: 0.15, maxZoom: 3, boxSelectionEnabled: false
  });
  window.kkgGraph = cy;  // for the browser tests and for curious readers

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function link(text, href) {
    var a = el("a", text);
    if (href) { a.href = href; }
    return a;
  }

  function badge(text, cls) { return el("span", text, "badge " + cls); }

  function setStatus(text) { statusEl.textContent = text; }

  function dataUrl(focus) {
    var params = new URLSearchParams();
    if (focus) { params.set("focus", focus); params.set("depth", focus === config.focus ? config.depth : 1); }
    return config.dataUrl + (focus ? "?" + params.toString() : "");
  }

  function load(focus, around) {
    setStatus("Loading…");
    return fetch(dataUrl(focus), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error || response.statusText); }
          return body;
        });
      })
      .then(function (data) {
        var shown = merge(data, around);
        if (focus) { expanded.add(focus); newlyShown.set(focus, shown); }
      })
      .catch(function (err) { setStatus("Could not load the graph: " + err.message); });
  }

  /* Add what is new; returns how many of the new nodes the filters let through. */
  function merge(data, around) {
    var origin = around ? around.position() : { x: 0, y: 0 };
    var added = 0;
    var fresh = [];
    Object.keys(data.claims).forEach(function (iri) { claims.set(iri, data.claims[iri]); });
    cy.batch(function () {
      data.nodes.forEach(function (n) {
        if (cy.getElementById(n.id).nonempty()) { return; }
        added += 1;
        fresh.push(cy.add({ group: "nodes", data: n, position: {
          x: origin.x + (Math.random() - 0.5) * 120, y: origin.y + (Math.random() - 0.5) * 120 } }));
      });
      data.edges.forEach(function (e) {
        if (cy.getElementById(e.id).nonempty()) { return; }
        var ele = cy.add({ group: "edges", data: e });
        if (!e.asserted) { ele.addClass("inferred"); }
        if (e.negated) { ele.addClass("negated"); }
      });
      if (data.focus) { cy.getElementById(data.focus).addClass("focus"); }
    });
    data.categories.forEach(addCategory);
    applyFilters();
    layout(!around, around && added === 0);
    var visible = cy.nodes(":visible").length;
    setStatus(visible + " nodes and " + cy.edges(":visible").length + " edges shown" +
      (cy.nodes().length > visible ? " (" + (cy.nodes().length - visible) + " hidden by filters)." : "."));
    return fresh.filter(function (n) { return !n.hasClass("filtered"); }).length;
  }

  function addCategory(c) {
    if (categories.has(c.key)) { return; }
    categories.set(c.key, c);
    if (c.hidden) { hiddenTypes.add(c.key); }
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.value = c.key; box.checked = !c.hidden;
    var swatch = el("span", null, "swatch");
    swatch.style.backgroundColor = c.color;
    label.append(box, " ", swatch, " " + c.label);
    typeBox.appendChild(label);
  }

  function applyFilters() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var hide = hiddenTypes.has(n.data("category")) && !n.hasClass("focus");
        hide = hide || (n.data("category") === "use" && n.data("certainty") &&
                        hiddenCertainty.has(n.data("certainty")));
        n.toggleClass("filtered", hide);
      });
      cy.edges().forEach(function (e) {
        var c = e.data("certainty") || "none";
        var hide = e.source().hasClass("filtered") || e.target().hasClass("filtered") ||
          hiddenCertainty.has(c) || (e.data("negated") && hiddenCertainty.has("negated")) ||
          (!e.data("asserted") && hiddenCertainty.has("inferred"));
        e.toggleClass("filtered", hide);
      });
    });
  }

  function layout(fresh, quiet) {
    if (!quiet) { window.kkgLayout.run(cy, cy.elements().not(".filtered"), fresh); }
    if (panelNode) { keepClear(panelNode); }
  }

  var panelBox = document.getElementById("graph-panel");
  var panelNode = null;           // the node the panel describes, kept clear of the panel

  function openPanel() {
    panel.replaceChildren();
    panelBox.hidden = false;
  }

  function closePanel() { panelBox.hidden = true; panelNode = null; }

  /* The panel lies over the right of the canvas: pan so that a node (label included) sits
   * in the part of the canvas left of it, after a click and after a re-layout. */
  function keepClear(node) {
    if (panelBox.hidden || node.removed()) { return; }
    var canvas = cy.container().getBoundingClientRect();
    var right = panelBox.getBoundingClientRect().left - canvas.left - 16;
    var box = node.renderedBoundingBox({ includeLabels: true });
    var dx = 0, dy = 0;
    if (box.x2 > right) { dx = right - box.x2; }
    if (box.x1 + dx < 16) { dx = 16 - box.x1; }
    if (box.y1 < 16) { dy = 16 - box.y1; } else if (box.y2 > canvas.height - 16) { dy = canvas.height - 16 - box.y2; }
    if (dx || dy) { cy.panBy({ x: dx, y: dy }); }
  }

  function showNode(node) {
    var d = node.data();
    openPanel();
    panelNode = node;
    var cat = categories.get(d.category);
    panel.appendChild(el("p", cat ? cat.label : d.category, "kicker"));
    panel.appendChild(el("h2", d.label));
    panel.appendChild(el("p", d.curie, "muted small"));
    if (d.certainty) {
      var p = el("p", "Certainty: ");
      p.appendChild(badge(d.certainty, "cert cert-" + d.certainty));
      panel.appendChild(p);
    }
    var actions = el("p", null, "panel-actions");
    actions.appendChild(link("Open page", d.href));
    actions.append(" · ");
    actions.appendChild(link("Centre graph here", config.pageUrl + "?focus=" + encodeURIComponent(d.id)));
    panel.appendChild(actions);
    var more;
    if (!expanded.has(d.id)) {
      more = "loading neighbours…";
    } else if (newlyShown.get(d.id) === 0) {
      more = "nothing more to show: every neighbour it has is already drawn" +
        (cy.nodes(".filtered").length ? " or hidden by the filters." : ".");
    } else {
      more = "neighbours shown.";
    }
    panel.appendChild(el("p", node.connectedEdges().length + " edges loaded; " + more,
      "muted small node-more"));
  }

  function showEdge(edge) {
    var d = edge.data();
    openPanel();
    panelNode = null;
    panel.appendChild(el("p", "edge", "kicker"));
    var h = el("h2");
    h.append(link(edge.source().data("label"), edge.source().data("href")),
      " ", el("span", d.label, "predicate"), " ",
      link(edge.target().data("label"), edge.target().data("href")));
    panel.appendChild(h);
    var tags = el("p");
    tags.appendChild(badge(d.certainty || "no claim", "cert cert-" + (d.certainty || "unrated")));
    if (d.negated) { tags.append(" "); tags.appendChild(badge("negated", "negated")); }
    if (!d.asserted) { tags.append(" "); tags.appendChild(el("span", "inferred", "tag")); }
    panel.appendChild(tags);
    if (!d.evidence.length) {
      panel.appendChild(el("p", "No sentence states this edge: it comes from the ontology" +
        (d.asserted ? "." : " or the reasoner."), "muted"));
    }
    d.evidence.forEach(function (iri) {
      var ev = claims.get(iri);
      if (ev) { panel.appendChild(evidenceBlock(ev)); }
    });
  }

  function evidenceBlock(ev) {
    var box = el("article", null, "evidence" + (ev.negated ? " is-negated" : ""));
    var head = el("p", null, "statement");
    head.appendChild(badge(ev.certaintyLabel, "cert cert-" + (ev.certainty || "unrated")));
    if (ev.negated) { head.append(" "); head.appendChild(badge("negated", "negated")); }
    head.append(" ", el("span", ev.label, "muted small"));
    box.appendChild(head);
    var quote = el("blockquote", null, "sentence");
    ev.segments.forEach(function (seg) {
      quote.appendChild(seg[1] ? el("mark", seg[0], "hedge") : document.createTextNode(seg[0]));
    });
    box.appendChild(quote);
    var src = el("p", null, "source");
    if (ev.document) { src.append("From "); src.appendChild(link(ev.documentLabel, ev.documentHref)); }
    if (ev.start !== null) { src.append(", characters " + ev.start + "–" + ev.end); }
    if (ev.section) { src.append(", section “" + ev.section + "”"); }
    src.append(". ");
    src.appendChild(link("claim", ev.claimHref));
    box.appendChild(src);
    return box;
  }

  cy.on("tap", "node", function (evt) {
    var node = evt.target;
    showNode(node);
    keepClear(node);
    if (!expanded.has(node.id())) {
      load(node.id(), node).then(function () { showNode(node); keepClear(node); });
    }
  });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });
  cy.on("dbltap", "node", function (evt) {  // a double click opens the node's own page
    if (evt.target.data("href")) { window.location.href = evt.target.data("href"); }
  });
  cy.on("mouseover", "edge", function (evt) { evt.target.addClass("hover"); });
  cy.on("mouseout", "edge", function (evt) { evt.target.removeClass("hover"); });
  cy.on("tap", function (evt) { if (evt.target === cy) { closePanel(); } });
  document.getElementById("graph-panel-close").addEventListener("click", closePanel);

  typeBox.addEventListener("change", function (evt) {
    if (evt.target.checked) { hiddenTypes.delete(evt.target.value); } else { hiddenTypes.add(evt.target.value); }
    applyFilters(); layout(false);
  });
  certaintyBox.addEventListener("change", function (evt) {
    if (evt.target.checked) { hiddenCertainty.delete(evt.target.value); } else { hiddenCertainty.add(evt.target.value); }
    applyFilters(); layout(false);
  });
  document.getElementById("graph-fit").addEventListener("click", function () {
    window.kkgLayout.fitView(cy, cy.elements().not(".filtered"));
  });
  document.getElementById("graph-relayout").addEventListener("click", function () { layout(true); });

  load(config.focus, null);
}());
