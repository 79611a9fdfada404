// The page of `kg viz`: draws the graph of the JSON block #kg-view-data on a canvas. Every text
// of the data reaches the page through textContent or the canvas, never as markup.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("kg-view-data").textContent);
  const FONT = "system-ui, 'DejaVu Sans', Arial, sans-serif";
  const CAPTION_PX = 12, EDGE_PX = 11, MIN_ZOOM = 0.1, MAX_ZOOM = 4, FIT_MAX = 1.5;
  const canvas = document.getElementById("graph");
  const ctx = canvas.getContext("2d");
  const tip = document.getElementById("tip"), panel = document.getElementById("panel");

  const byId = new Map();
  DATA.nodes.forEach((n) => { byId.set(n.id, n); Object.assign(n, { x: 0, y: 0, vx: 0, vy: 0, fixed: false }); });
  const edges = DATA.edges.filter((e) => byId.has(e.source) && byId.has(e.target));
  edges.forEach((e) => { e.s = byId.get(e.source); e.t = byId.get(e.target); });
  let view = { x: 0, y: 0, k: 1 }, width = 0, height = 0, hover = null, selected = null, found = new Set();
  let placed = { nodes: [], edges: [] };  // what the last drawing showed, for hit tests and the report

  const shownNodes = () => DATA.nodes.filter((n) => n.shown);
  const shownEdges = () => edges.filter((e) => e.shown && e.s.shown && e.t.shown);

  function measure() {
    ctx.font = `${CAPTION_PX}px ${FONT}`;
    DATA.nodes.forEach((n) => { n.w = ctx.measureText(n.caption).width; });
    ctx.font = `${EDGE_PX}px ${FONT}`;
    edges.forEach((e) => { e.w = ctx.measureText(e.caption).width; });
  }

  function radii() {
    const degree = new Map();
    shownEdges().forEach((e) => { degree.set(e.s, (degree.get(e.s) || 0) + 1); degree.set(e.t, (degree.get(e.t) || 0) + 1); });
    DATA.nodes.forEach((n) => { n.degree = degree.get(n) || 0; n.r = Math.min(7 + 2.2 * Math.sqrt(n.degree), 20); });
  }

  // A force layout (repulsion, springs, gravity, and no two node-and-caption boxes overlapping
  // at zoom 1), run to rest before the first drawing; only the nodes in `moving` move.
  function layout(moving, ticks, scope) {
    const all = scope || shownNodes(), inScope = new Set(all);
    const links = shownEdges().filter((e) => inScope.has(e.s) && inScope.has(e.t));
    const count = new Map();
    links.forEach((e) => { count.set(e.s, (count.get(e.s) || 0) + 1); count.set(e.t, (count.get(e.t) || 0) + 1); });
    const movingSet = new Set(moving);
    // stronger repulsion in a small drawing, which has room to spread out
    const charge = 140 * Math.max(1, 3 - all.length / 20);
    let alpha = 1;
    for (let tick = 0; tick < ticks; tick++) {
      alpha *= 1 - 4.6 / ticks;
      for (const a of moving) {
        for (const b of all) {
          if (a === b) continue;
          let dx = a.x - b.x, dy = a.y - b.y, d2 = dx * dx + dy * dy;
          if (d2 < 1) { dx = 1; dy = 0; d2 = 1; }
          if (d2 > 250000) continue;
          const f = (charge * alpha) / d2;
          a.vx += dx * f; a.vy += dy * f;
        }
        a.vx -= a.x * 0.04 * alpha; a.vy -= a.y * 0.04 * alpha;
      }
      for (const e of links) {
        const dx = e.t.x - e.s.x, dy = e.t.y - e.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
        const rest = Math.max(70, e.w + 30) + e.s.r + e.t.r, f = ((d - rest) / d) * alpha * 0.5 / Math.min(count.get(e.s), count.get(e.t));
        if (movingSet.has(e.s)) { e.s.vx += dx * f; e.s.vy += dy * f; }
        if (movingSet.has(e.t)) { e.t.vx -= dx * f; e.t.vy -= dy * f; }
      }
      for (const n of moving) {
        if (n.fixed) { n.vx = n.vy = 0; continue; }
        n.vx *= 0.6; n.vy *= 0.6; n.x += n.vx; n.y += n.vy;
      }
      if (tick > ticks / 3) separate(moving, all, movingSet);
    }
  }

  function box(n) {  // a node and its caption at zoom 1, with a margin
    const half = Math.max(n.r, n.w / 2) + 6;
    return [n.x - half, n.y - n.r - 4, n.x + half, n.y + n.r + CAPTION_PX + 8];
  }

  function separate(moving, all, movingSet) {
    for (const a of moving) {
      const p = box(a);
      for (const b of all) {
        if (a === b || (movingSet.has(b) && b.x < a.x)) continue;
        const q = box(b);
        const ox = Math.min(p[2], q[2]) - Math.max(p[0], q[0]), oy = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
        if (ox <= 0 || oy <= 0) continue;
        const both = movingSet.has(b) && !b.fixed, share = both ? 0.5 : 1;
        if (ox / (p[2] - p[0] + q[2] - q[0]) < oy / (p[3] - p[1] + q[3] - q[1])) {
          const s = a.x < b.x ? -1 : 1;
          a.x += s * ox * share * 0.5; if (both) b.x -= s * ox * share * 0.5;
        } else {
          const s = a.y < b.y ? -1 : 1;
          a.y += s * oy * share * 0.5; if (both) b.y -= s * oy * share * 0.5;
        }
      }
    }
  }

  function components(nodes, links) {  // the connected parts of the drawing, largest first
    const parent = new Map(nodes.map((n) => [n, n]));
    const find = (n) => { while (parent.get(n) !== n) { parent.set(n, parent.get(parent.get(n))); n = parent.get(n); } return n; };
    links.forEach((e) => { const a = find(e.s), b = find(e.t); if (a !== b) parent.set(a, b); });
    const groups = new Map();
    nodes.forEach((n) => { const root = find(n); if (!groups.has(root)) groups.set(root, []); groups.get(root).push(n); });
    return [...groups.values()].sort((a, b) => b.length - a.length);
  }

  // Each connected part is laid out alone and the parts are packed in rows of about the
  // window's shape, so that no edge of one part crosses another part.
  function start() {
    const gap = 24, parts = components(shownNodes(), shownEdges()).map((group) => {
      group.forEach((n, i) => {  // a sunflower spiral: the same start, so the same picture, every time
        const r = 18 * Math.sqrt(i + 0.5), angle = i * Math.PI * (3 - Math.sqrt(5));
        n.x = r * Math.cos(angle); n.y = r * Math.sin(angle);
      });
      if (group.length > 1) layout(group, 300, group);
      const edge = group.map(box).reduce((a, q) => [Math.min(a[0], q[0]), Math.min(a[1], q[1]), Math.max(a[2], q[2]), Math.max(a[3], q[3])]);
      return { group, edge, w: edge[2] - edge[0], h: edge[3] - edge[1] };
    });
    const area = parts.reduce((sum, p) => sum + (p.w + gap) * (p.h + gap), 0);
    const rowWidth = Math.max(...parts.map((p) => p.w), Math.sqrt(area * (width / Math.max(height, 1))));
    let x = 0, y = 0, rowHeight = 0;
    for (const part of parts) {
      if (x > 0 && x + part.w > rowWidth) { x = 0; y += rowHeight + gap; rowHeight = 0; }
      part.group.forEach((n) => { n.x += x - part.edge[0]; n.y += y - part.edge[1]; });
      x += part.w + gap;
      rowHeight = Math.max(rowHeight, part.h);
    }
  }

  // --- the view: world -> screen is (x * k + view.x, y * k + view.y)
  const toScreen = (n) => [n.x * view.k + view.x, n.y * view.k + view.y];

  function extent(k) {  // the screen box of the shown nodes and their captions at zoom k, around (0, 0)
    let box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of shownNodes()) {
      const r = Math.max(n.r * k, 4), half = Math.max(r, n.w / 2);
      box = [Math.min(box[0], n.x * k - half), Math.min(box[1], n.y * k - r),
        Math.max(box[2], n.x * k + half), Math.max(box[3], n.y * k + r + CAPTION_PX + 4)];
    }
    return box;
  }

  function fit() {
    const margin = 16, legend = document.getElementById("legend").getBoundingClientRect();
    const free = [width - 2 * margin, height - 2 * margin];
    let k = FIT_MAX, box = extent(k);
    while (k > MIN_ZOOM && (box[2] - box[0] > free[0] || box[3] - box[1] > free[1])) { k *= 0.97; box = extent(k); }
    view.k = k;
    view.x = width / 2 - (box[0] + box[2]) / 2;
    view.y = height / 2 - (box[1] + box[3]) / 2;
    // keep clear of the legend when there is room to
    const legendTop = legend.top - canvas.getBoundingClientRect().top;
    if (box[3] + view.y > legendTop - 4 && box[0] + view.x < legend.width + 20) {
      const room = width - margin - (box[2] + view.x);
      view.x += Math.min(room, legend.width + 20 - (box[0] + view.x));
    }
    draw();
  }

  // --- drawing
  function edgeGeometry(list) {  // edges between the same two nodes are drawn as arcs side by side
    const groups = new Map();
    for (const e of list) {
      const key = e.s.id < e.t.id ? e.s.id + "\u0000" + e.t.id : e.t.id + "\u0000" + e.s.id;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(e);
    }
    for (const group of groups.values()) {
      group.forEach((e, i) => {
        const sign = e.s.id < e.t.id ? 1 : -1;
        e.bend = (i - (group.length - 1) / 2) * 44 * sign;
      });
    }
  }

  function rectsOverlap(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  function draw() {
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const nodes = shownNodes(), links = shownEdges();
    edgeGeometry(links);
    const near = new Set();
    if (hover && hover.id !== undefined) { near.add(hover); links.forEach((e) => { if (e.s === hover || e.t === hover) { near.add(e.s); near.add(e.t); } }); }
    // edges
    const edgeSpots = [], heaviest = Math.max(1, ...links.map((e) => (e.weight || 1) - 1));
    for (const e of links) {
      const [sx, sy] = toScreen(e.s), [tx, ty] = toScreen(e.t);
      const dx = tx - sx, dy = ty - sy, d = Math.sqrt(dx * dx + dy * dy) || 1;
      const bend = e.bend * Math.min(view.k, 1.5), cx = (sx + tx) / 2 - (dy / d) * bend, cy = (sy + ty) / 2 + (dx / d) * bend;
      const lit = hover === e || (hover && (e.s === hover || e.t === hover));
      ctx.strokeStyle = lit ? "#57606a" : "#c2c8cf";
      ctx.lineWidth = (lit ? 2 : 1.2) + 2.5 * ((e.weight || 1) - 1) / heaviest;
      ctx.beginPath(); ctx.moveTo(sx, sy); ctx.quadraticCurveTo(cx, cy, tx, ty); ctx.stroke();
      // the arrowhead, at the target's rim
      const rt = Math.max(e.t.r * view.k, 4) + 2, ax = tx - cx, ay = ty - cy, ad = Math.sqrt(ax * ax + ay * ay) || 1;
      const hx = tx - (ax / ad) * rt, hy = ty - (ay / ad) * rt, ux = ax / ad, uy = ay / ad;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath(); ctx.moveTo(hx, hy); ctx.lineTo(hx - ux * 8 - uy * 4, hy - uy * 8 + ux * 4); ctx.lineTo(hx - ux * 8 + uy * 4, hy - uy * 8 - ux * 4); ctx.fill();
      const at = (t) => [(1 - t) * (1 - t) * sx + 2 * (1 - t) * t * cx + t * t * tx, (1 - t) * (1 - t) * sy + 2 * (1 - t) * t * cy + t * t * ty];
      const [mx, my] = at(0.5);
      edgeSpots.push({ e, x: mx, y: my, lit, others: [at(0.35), at(0.65)] });
    }
    // nodes
    for (const n of nodes) {
      const [x, y] = toScreen(n), r = Math.max(n.r * view.k, 4);
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = n.colour; ctx.fill();
      ctx.lineWidth = n === selected || found.has(n) ? 3 : 1.5;
      ctx.strokeStyle = n === selected || found.has(n) ? "#0969da" : (hover === n ? "#1f2328" : "#ffffff");
      ctx.stroke();
      if (n.more > 0) {  // a node with neighbours to expand: a small plus
        ctx.fillStyle = "#1f2328"; ctx.font = `bold 10px ${FONT}`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.fillText("+", x + r * 0.75, y - r * 0.75);
      }
    }
    // captions: entities', then edges', then papers' and results', each only where it has room
    const taken = [];
    const order = (n) => (n === hover || n === selected || found.has(n) ? 0 : n.label === "Paper" || n.label === "Result" ? 2 : near.size && !near.has(n) ? 2 : 1);
    const queue = nodes.map((n) => ({ kind: "node", n, rank: order(n) }))
      .concat(edgeSpots.filter((s) => s.e.caption).map((s) => ({ kind: "edge", s, rank: s.lit ? 0 : DATA.kind === "query" ? 0.5 : 1.5 })));
    queue.sort((a, b) => a.rank - b.rank || (b.kind === "node" ? b.n.degree : 0) - (a.kind === "node" ? a.n.degree : 0));
    placed = { nodes: [], edges: [], hiddenNodes: 0, hiddenEdges: 0 };
    for (const item of queue) {
      if (item.kind === "node") {
        const n = item.n, [x, y] = toScreen(n), r = Math.max(n.r * view.k, 4);
        // under the node, else over it, else (but for the node in hand) not at all
        const half = CAPTION_PX / 2 + 2, spots = [y + r + 1, y - r - CAPTION_PX - 4].map((top) => [x - n.w / 2 - 2, top, x + n.w / 2 + 2, top + CAPTION_PX + 3])
          .concat([[x + r + 3, y - half, x + r + n.w + 7, y + half], [x - r - n.w - 7, y - half, x - r - 3, y + half]]);
        const rect = spots.find((spot) => !taken.some((t) => rectsOverlap(t, spot))) || (item.rank === 0 ? spots[0] : null);
        if (!rect) { placed.hiddenNodes++; continue; }
        taken.push(rect);
        const cx = (rect[0] + rect[2]) / 2, cy = (rect[1] + rect[3]) / 2;
        ctx.font = `${CAPTION_PX}px ${FONT}`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.strokeText(n.caption, cx, cy);
        ctx.fillStyle = "#1f2328"; ctx.fillText(n.caption, cx, cy);
        placed.nodes.push({ n, rect });
      } else {
        // at the middle of the edge, else a little to either side, else not at all
        const { e, lit } = item.s;
        const spots = [[item.s.x, item.s.y], ...item.s.others].map(([px, py]) => [px - e.w / 2 - 3, py - EDGE_PX / 2 - 2, px + e.w / 2 + 3, py + EDGE_PX / 2 + 2]);
        const rect = spots.find((spot) => !taken.some((t) => rectsOverlap(t, spot))) || (lit ? spots[0] : null);
        if (!rect) { placed.hiddenEdges++; continue; }
        const x = (rect[0] + rect[2]) / 2, y = (rect[1] + rect[3]) / 2;
        taken.push(rect);
        ctx.fillStyle = "rgba(255,255,255,0.9)"; ctx.fillRect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1]);
        ctx.font = `${EDGE_PX}px ${FONT}`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.fillStyle = lit ? "#1f2328" : "#57606a"; ctx.fillText(e.caption, x, y);
        placed.edges.push({ e, rect });
      }
    }
    placed.spots = edgeSpots;
  }

  // --- what the page says: title, about, counts, legend
  function text(tag, content, parent) {
    const element = document.createElement(tag);
    element.textContent = content;
    if (parent) parent.appendChild(element);
    return element;
  }

  function describe() {
    document.getElementById("title").textContent = DATA.title;
    const about = document.getElementById("about");
    DATA.about.forEach((line) => text("p", line, about));
    text("p", `Build of ${DATA.papers} papers (${DATA.graph.nodes} nodes, ${DATA.graph.edges} edges); page written ${DATA.written}. ` +
      "Hover for the whole text; double-click a node marked + to draw the rest of its edges; drag to move; scroll to zoom.", about);
    const query = document.getElementById("query-text");
    if (DATA.query) query.querySelector("pre").textContent = DATA.query; else query.hidden = true;
  }

  function expandable(n) {  // the edges of a node not drawn yet (to a node drawn or not)
    return edges.filter((e) => !e.shown && (e.s === n || e.t === n)).length;
  }

  function update() {
    const nodes = shownNodes(), links = shownEdges();
    DATA.nodes.forEach((n) => { n.more = n.shown ? expandable(n) : 0; });
    document.getElementById("counts").textContent =
      `Drawn: ${nodes.length} nodes, ${links.length} edges (of ${DATA.nodes.length} nodes in this page)`;
    const counts = new Map();
    nodes.forEach((n) => counts.set(n.label, [n.colour, (counts.has(n.label) ? counts.get(n.label)[1] : 0) + 1]));
    const legend = document.getElementById("legend");
    legend.replaceChildren();
    text("h2", "Labels", legend);
    [...counts.keys()].sort().forEach((label) => {
      const row = document.createElement("div");
      row.className = "entry";
      row.dataset.label = label;
      const swatch = document.createElement("i");
      swatch.style.background = counts.get(label)[0];
      row.appendChild(swatch);
      text("span", `${label} (${counts.get(label)[1]})`, row);
      legend.appendChild(row);
    });
    radii();
  }

  // --- interaction
  function nodeAt(x, y) {
    const nodes = shownNodes();
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i], [sx, sy] = toScreen(n), r = Math.max(n.r * view.k, 4) + 2;
      if ((sx - x) ** 2 + (sy - y) ** 2 <= r * r) return n;
    }
    const caption = placed.nodes.find((p) => x >= p.rect[0] && x <= p.rect[2] && y >= p.rect[1] && y <= p.rect[3]);
    return caption ? caption.n : null;
  }

  function edgeAt(x, y) {
    const label = placed.edges.find((p) => x >= p.rect[0] && x <= p.rect[2] && y >= p.rect[1] && y <= p.rect[3]);
    if (label) return label.e;
    const spot = (placed.spots || []).find((s) => (s.x - x) ** 2 + (s.y - y) ** 2 <= 36);
    return spot ? spot.e : null;
  }

  function showTip(thing, x, y) {
    tip.replaceChildren();
    if (thing.label) {
      text("div", thing.text, tip);
      text("div", thing.label + (thing.more ? ` \u00b7 double-click to draw ${thing.more} more edges` : ""), tip);
    } else {
      text("div", `${thing.s.text} \u2192 ${thing.caption ? thing.caption + " \u2192 " : ""}${thing.t.text}`, tip);
      for (const [key, value] of Object.entries(thing.details)) text("div", `${key}: ${value}`, tip);
    }
    tip.hidden = false;
    const room = canvas.getBoundingClientRect();
    tip.style.left = Math.min(x + 14, room.width - tip.offsetWidth - 4) + "px";
    tip.style.top = Math.min(y + 14, room.height - tip.offsetHeight - 4) + "px";
  }

  function showPanel(n) {
    selected = n;
    panel.replaceChildren();
    text("h2", n.text, panel);
    const list = document.createElement("dl");
    for (const [key, value] of Object.entries(n.details)) { text("dt", key, list); text("dd", value, list); }
    panel.appendChild(list);
    if (/^https?:\/\//.test(n.link)) {
      const a = text("a", n.link, panel);
      a.href = n.link; a.rel = "noopener noreferrer"; a.target = "_blank";
    }
    const buttons = document.createElement("div");
    if (n.more) text("button", `Draw ${n.more} more edges`, buttons).addEventListener("click", () => expand(n));
    text("button", "Close", buttons).addEventListener("click", () => { panel.hidden = true; selected = null; draw(); });
    panel.appendChild(buttons);
    panel.hidden = false;
    draw();
  }

  function expand(n) {
    const newcomers = [];
    edges.forEach((e) => {
      const other = e.s === n ? e.t : e.t === n ? e.s : null;
      if (!other) return;
      e.shown = true;
      if (!other.shown) { other.shown = true; newcomers.push(other); }
    });
    // edges among the drawn nodes that the newcomers bring
    edges.forEach((e) => { if (e.s.shown && e.t.shown && (newcomers.includes(e.s) || newcomers.includes(e.t))) e.shown = true; });
    newcomers.forEach((m, i) => {
      const angle = (2 * Math.PI * i) / newcomers.length;
      m.x = n.x + (70 + 3 * newcomers.length) * Math.cos(angle); m.y = n.y + (70 + 3 * newcomers.length) * Math.sin(angle);
    });
    update();
    layout(newcomers, 120);
    const [x0, y0, x1, y1] = extent(view.k);
    if (x0 + view.x < 0 || y0 + view.y < 0 || x1 + view.x > width || y1 + view.y > height) fit(); else draw();
    if (selected === n) showPanel(n);
  }

  let drag = null, moved = false;
  canvas.addEventListener("pointerdown", (event) => {
    const n = nodeAt(event.offsetX, event.offsetY);
    drag = { n, x: event.offsetX, y: event.offsetY, vx: view.x, vy: view.y };
    moved = false;
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    const x = event.offsetX, y = event.offsetY;
    if (drag) {
      if (Math.abs(x - drag.x) + Math.abs(y - drag.y) > 3) moved = true;
      if (drag.n) { drag.n.x = (x - view.x) / view.k; drag.n.y = (y - view.y) / view.k; drag.n.fixed = true; }
      else { view.x = drag.vx + x - drag.x; view.y = drag.vy + y - drag.y; }
      draw();
      return;
    }
    const thing = nodeAt(x, y) || edgeAt(x, y);
    if (thing !== hover) { hover = thing; draw(); }
    if (thing) showTip(thing, x, y); else tip.hidden = true;
    canvas.style.cursor = thing ? "pointer" : "grab";
  });
  canvas.addEventListener("pointerup", (event) => {
    if (drag && !moved && drag.n) showPanel(drag.n);
    drag = null;
  });
  canvas.addEventListener("pointerleave", () => { tip.hidden = true; if (hover) { hover = null; draw(); } });
  canvas.addEventListener("dblclick", (event) => {
    const n = nodeAt(event.offsetX, event.offsetY);
    if (n && n.more) expand(n);
  });
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * Math.exp(-event.deltaY * 0.0015)));
    view.x = event.offsetX - ((event.offsetX - view.x) * k) / view.k;
    view.y = event.offsetY - ((event.offsetY - view.y) * k) / view.k;
    view.k = k;
    draw();
  }, { passive: false });
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("search").addEventListener("input", (event) => {
    const wanted = event.target.value.trim().toLowerCase();
    found = new Set(wanted ? shownNodes().filter((n) => n.text.toLowerCase().includes(wanted)) : []);
    draw();
  });

  function resize() {
    const room = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    width = room.width; height = room.height;
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
  }
  window.addEventListener("resize", () => { resize(); fit(); });

  // for tests and for the curious: what the drawing holds, in screen pixels
  window.kgView = {
    report() {
      const box = extent(view.k);
      return {
        captionPx: CAPTION_PX, edgeCaptionPx: EDGE_PX, zoom: view.k, width, height,
        box: [box[0] + view.x, box[1] + view.y, box[2] + view.x, box[3] + view.y],
        nodes: shownNodes().length, edges: shownEdges().length,
        captionsDrawn: placed.nodes.length, captionsHidden: placed.hiddenNodes,
        edgeCaptionsDrawn: placed.edges.length, edgeCaptionsHidden: placed.hiddenEdges,
        edgeCaptions: placed.edges.map((p) => p.e.caption),
        labels: [...new Set(shownNodes().map((n) => n.label))].sort(),
        expandable: shownNodes().filter((n) => n.more > 0).map((n) => n.id),
      };
    },
    expand(id) { expand(byId.get(id)); },
    fit,
  };

  describe();
  measure();
  update();
  resize();
  start();
  fit();
  document.body.dataset.ready = "yes";
})();
