// @ts-check
// The network: sellers and contacts as nodes, pair_scores as edges (width by pair score), laid out by
// cytoscape's built-in `cose`. Start positions are fixed (sellers on an inner ring, contacts outside)
// and randomisation is off, so the same data always draws the same picture.
"use strict";
(function (RM) {
  /** @type {any} */
  let current = null;

  /**
   * @param {HTMLElement} box
   * @param {{ pairs: any[], sellerName: (id: string) => string, contactName: (id: string) => string, executives: Set<string> }} spec
   */
  RM.drawNetwork = function drawNetwork(box, spec) {
    if (current) current.destroy();
    current = null;
    const sellers = [...new Set(spec.pairs.map((p) => p.seller_id))].sort();
    const contacts = [...new Set(spec.pairs.map((p) => p.contact_id))].sort();
    box.setAttribute("data-nodes", String(sellers.length + contacts.length));
    box.setAttribute("data-edges", String(spec.pairs.length));
    box.setAttribute("aria-label", `Network: ${sellers.length} sellers, ${contacts.length} contacts, ${spec.pairs.length} connections`);
    if (!spec.pairs.length) {
      RM.fill(box, [RM.empty("No seller has a scored interaction with this account.")]);
      return null;
    }
    RM.fill(box, []);
    const ring = (/** @type {number} */ i, /** @type {number} */ n, /** @type {number} */ r) => ({
      x: r * Math.cos((2 * Math.PI * i) / Math.max(1, n)),
      y: r * Math.sin((2 * Math.PI * i) / Math.max(1, n)),
    });
    const elements = [
      ...sellers.map((id, i) => ({
        group: "nodes",
        data: { id: `s:${id}`, label: spec.sellerName(id), kind: "seller" },
        position: ring(i, sellers.length, 60),
      })),
      ...contacts.map((id, i) => ({
        group: "nodes",
        data: { id: `c:${id}`, label: spec.contactName(id), kind: spec.executives.has(id) ? "executive" : "contact" },
        position: ring(i, contacts.length, 180),
      })),
      // One edge per pair_scores row; its width is the [Pair score] measure over that row.
      ...spec.pairs.map((p) => ({
        group: "edges",
        data: {
          id: `e:${p.seller_id}:${p.contact_id}`,
          source: `s:${p.seller_id}`,
          target: `c:${p.contact_id}`,
          score: RM.measure("Pair score", [p]),
        },
      })),
    ];
    current = cytoscape({
      container: box,
      elements,
      // A small network would otherwise be zoomed until its labels are huge.
      maxZoom: 1.6,
      minZoom: 0.2,
      style: [
        {
          selector: "node",
          style: {
            label: "data(label)",
            "font-size": 11,
            color: "#1f2933",
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": "110px",
            // A white halo keeps a label readable where it crosses an edge.
            "text-outline-color": "#ffffff",
            "text-outline-width": 2,
            width: 22,
            height: 22,
          },
        },
        {
          selector: "node[kind = 'seller']",
          style: { shape: "round-rectangle", "background-color": RM.COLORS.blue, "font-weight": "bold", width: 26, height: 26 },
        },
        { selector: "node[kind = 'contact']", style: { shape: "ellipse", "background-color": RM.COLORS.orange } },
        {
          selector: "node[kind = 'executive']",
          style: {
            shape: "diamond",
            "background-color": RM.COLORS.orange,
            "border-width": 3,
            "border-color": "#7c2d12",
            width: 28,
            height: 28,
          },
        },
        {
          selector: "edge",
          style: { width: "mapData(score, 0, 100, 1, 7)", "line-color": "#8896a5", opacity: 0.65, "curve-style": "straight" },
        },
      ],
      layout: {
        name: "cose",
        randomize: false,
        animate: false,
        fit: true,
        padding: 24,
        nodeRepulsion: () => 400000,
        // Longer edges for a small network, so it fills the box instead of huddling in its middle.
        idealEdgeLength: () => (contacts.length < 12 ? 190 : 120),
        nodeOverlap: 40,
        componentSpacing: 80,
        gravity: 0.5,
        numIter: 1500,
      },
    });
    return current;
  };

  /** The drawn graph (the browser test counts its nodes and edges). */
  RM.network = () => current;
})(/** @type {any} */ (window.RM = window.RM || {}));
