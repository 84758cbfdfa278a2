/* Graph view layout: fCoSE (or Cytoscape's built-in cose when fCoSE is missing), then a pass
 * that pushes apart any two nodes whose labels still overlap, then a fit that never zooms a
 * small graph past reading size. Used by graphview.js as window.kkgLayout. */
(function () {
  "use strict";

  /* Lay out what is shown: from scratch (`fresh`) on the first load and on "Re-arrange",
   * else starting from the current positions so that an expansion moves little. */
  function run(cy, visible, fresh) {
    var fcose = typeof cytoscapeFcose !== "undefined";
    visible.layout(fcose ? {
      name: "fcose", quality: "proof", animate: false, fit: false, padding: 30,
      randomize: !!fresh, nodeDimensionsIncludeLabels: true, uniformNodeDimensions: false,
      packComponents: true, nodeRepulsion: function () { return 15000; },
      idealEdgeLength: function () { return 80; }, edgeElasticity: function () { return 0.45; },
      nestingFactor: 0.1, gravity: 0.25, gravityRange: 3.8, numIter: 2500, tile: true,
      nodeSeparation: 90
    } : {
      name: "cose", animate: false, fit: false, padding: 40, randomize: !!fresh,
      nodeDimensionsIncludeLabels: true, idealEdgeLength: function () { return 95; },
      nodeRepulsion: function () { return 14000; }, nodeOverlap: 40, edgeElasticity: function () { return 60; },
      gravity: 0.6, numIter: 3000, componentSpacing: 90, nestingFactor: 1.2
    }).run();
    separate(visible.nodes());
    fitView(cy, visible);
  }

  /* Fit what is shown, but never zoom a small graph up past a comfortable reading size. */
  function fitView(cy, elements) {
    cy.fit(elements, 30);
    if (cy.zoom() > 1.25) {
      cy.zoom(1.25);
      cy.center(elements);
    }
  }

  /* Force-directed layouts leave a few labels on top of each other; push every overlapping
   * pair apart along the axis where they overlap least, until none overlap (or we give up). */
  function separate(nodes) {
    var gap = 6;
    for (var round = 0; round < 60; round += 1) {
      var moved = false;
      var boxes = nodes.map(function (n) { return n.boundingBox({ includeLabels: true }); });
      for (var i = 0; i < boxes.length; i += 1) {
        for (var j = i + 1; j < boxes.length; j += 1) {
          var a = boxes[i], b = boxes[j];
          var dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
          var dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
          if (dx <= 0 || dy <= 0) { continue; }
          var pa = nodes[i].position(), pb = nodes[j].position();
          var shift = dx < dy ? { x: dx / 2 * (pa.x <= pb.x ? 1 : -1), y: 0 }
                              : { x: 0, y: dy / 2 * (pa.y <= pb.y ? 1 : -1) };
          nodes[i].position({ x: pa.x - shift.x, y: pa.y - shift.y });
          nodes[j].position({ x: pb.x + shift.x, y: pb.y + shift.y });
          boxes[i] = nodes[i].boundingBox({ includeLabels: true });
          boxes[j] = nodes[j].boundingBox({ includeLabels: true });
          moved = true;
        }
      }
      if (!moved) { return; }
    }
  }

  window.kkgLayout = { run: run, fitView: fitView, separate: separate };
}());
