// The latent-space explorer of `ae serve`: the test items' codes in a plane (the code itself when it is 2-D, its
// PCA projection, or UMAP computed here with umap-js), the image under the pointer, decoding of any place in the
// plane, sliders on every latent dimension of a chosen item, its nearest neighbours, and the detector's scores.
import { UMAP } from 'umap-js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const $ = (id) => document.getElementById(id);

// An API key given as #key=... in the address (a fragment never reaches the server's logs) goes with every call.
const key = new URLSearchParams(location.hash.slice(1)).get('key');
const headers = key ? { 'X-Api-Key': key } : {};

async function api(path, body) {
  const response = await fetch(path, body === undefined
    ? { headers }
    : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${json.detail || response.status}`);
  return json;
}

const state = { data: null, pixels: null, geometry: null, view: 'code', points: [], bounds: null, chosen: 0, umap: null, decoding: null, pendingCode: null };

// How to draw one sample: channels x height x width when it looks like an image, else a row of bars.
function geometry(shape) {
  if (shape.length === 3) return { c: shape[0], h: shape[1], w: shape[2] };
  if (shape.length === 2) return { c: 1, h: shape[0], w: shape[1] };
  const side = Math.round(Math.sqrt(shape[0]));
  return side * side === shape[0] ? { c: 1, h: side, w: side } : { c: 1, h: 1, w: shape[0], bars: true };
}

// Draws values in [0, 1] (an array of numbers or bytes scaled by `scale`) into a canvas.
function drawSample(canvas, values, scale = 1) {
  const g = state.geometry;
  const ctx = canvas.getContext('2d');
  if (g.bars) {
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#1f77b4';
    const bw = canvas.width / g.w;
    for (let i = 0; i < g.w; i++) {
      const v = Math.max(0, Math.min(1, values[i] * scale));
      ctx.fillRect(i * bw, canvas.height * (1 - v), Math.max(1, bw - 1), canvas.height * v);
    }
    return;
  }
  const image = ctx.createImageData(g.w, g.h);
  const plane = g.h * g.w;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      const v = values[(g.c === 3 ? k * plane : 0) + p] * scale;
      image.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
    image.data[p * 4 + 3] = 255;
  }
  const off = document.createElement('canvas');
  off.width = g.w; off.height = g.h;
  off.getContext('2d').putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

const itemPixels = (i) => state.pixels.subarray(i * state.itemSize, (i + 1) * state.itemSize);

function project(view) {
  const { codes, pca } = state.data;
  if (view === 'code') return codes.map((c) => [c[0], c[1]]);
  if (view === 'pca') {
    return codes.map((c) => pca.components.map((axis) => axis.reduce((s, a, j) => s + a * (c[j] - pca.mean[j]), 0)));
  }
  return state.umap;
}

function setView(view) {
  state.view = view;
  state.points = project(view);
  const xs = state.points.map((p) => p[0]); const ys = state.points.map((p) => p[1]);
  const pad = (lo, hi) => { const m = (hi - lo) * 0.05 || 1; return [lo - m, hi + m]; };
  state.bounds = { x: pad(Math.min(...xs), Math.max(...xs)), y: pad(Math.min(...ys), Math.max(...ys)) };
  $('viewNote').textContent = view === 'pca'
    ? `PC1 ${(state.data.pca.explainedRatio[0] * 100).toFixed(1)}%, PC2 ${(state.data.pca.explainedRatio[1] * 100).toFixed(1)}% of the code variance; a click decodes through the inverse projection`
    : view === 'umap' ? 'UMAP has no inverse: a click decodes the nearest item\'s code' : 'the code itself: a click decodes exactly that code';
  drawPlane();
}

const toScreen = ([x, y]) => {
  const c = $('plane'); const b = state.bounds;
  return [(x - b.x[0]) / (b.x[1] - b.x[0]) * c.width, c.height - (y - b.y[0]) / (b.y[1] - b.y[0]) * c.height];
};
const fromScreen = (sx, sy) => {
  const c = $('plane'); const b = state.bounds;
  return [b.x[0] + sx / c.width * (b.x[1] - b.x[0]), b.y[0] + (c.height - sy) / c.height * (b.y[1] - b.y[0])];
};

function drawPlane() {
  const canvas = $('plane'); const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
  const labels = state.data.labels;
  state.points.forEach((p, i) => {
    const [x, y] = toScreen(p);
    ctx.fillStyle = PALETTE[(labels ? labels[i] : 0) % PALETTE.length];
    ctx.globalAlpha = 0.7;
    ctx.fillRect(x - 1.5, y - 1.5, 3, 3);
  });
  ctx.globalAlpha = 1;
  const [cx, cy] = toScreen(state.points[state.chosen]);
  ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.strokeRect(cx - 5, cy - 5, 10, 10);
  canvas.dataset.points = String(state.points.length);
}

function nearestPoint(sx, sy, radius) {
  let best = -1; let bestD = radius * radius;
  state.points.forEach((p, i) => {
    const [x, y] = toScreen(p);
    const d = (x - sx) ** 2 + (y - sy) ** 2;
    if (d <= bestD) { bestD = d; best = i; }
  });
  return best;
}

// One decode in flight at a time; a slider moved meanwhile sends only its latest value next.
async function decode(code, note) {
  state.pendingCode = { code, note };
  if (state.decoding) return;
  while (state.pendingCode) {
    const { code: c, note: n } = state.pendingCode;
    state.pendingCode = null;
    state.decoding = api('/v1/decode', { codes: [c] });
    try {
      const result = await state.decoding;
      drawSample($('decoded'), result.outputs[0]);
      const canvas = $('decoded');
      canvas.dataset.version = String(Number(canvas.dataset.version) + 1);
      $('decodedNote').textContent = n;
    } catch (e) {
      $('status').textContent = e.message;
    } finally {
      state.decoding = null;
    }
  }
}

function planeCode(sx, sy) {
  const [x, y] = fromScreen(sx, sy);
  const { pca, codes } = state.data;
  if (state.view === 'code') return { code: [x, y], note: `code (${x.toFixed(2)}, ${y.toFixed(2)})` };
  if (state.view === 'pca') {
    return { code: pca.mean.map((m, j) => m + x * pca.components[0][j] + y * pca.components[1][j]), note: `PCA (${x.toFixed(2)}, ${y.toFixed(2)}) mapped back to a code` };
  }
  const i = nearestPoint(sx, sy, Infinity);
  return { code: codes[i], note: `nearest item #${i}` };
}

function choose(i) {
  state.chosen = i;
  const { codes, labels, classNames } = state.data;
  drawSample($('chosen'), itemPixels(i), 1 / 255);
  const label = labels ? (classNames[labels[i]] || labels[i]) : '';
  $('chosenName').textContent = `#${i}${label !== '' ? ` (${label})` : ''}`;
  const sliders = $('sliders'); sliders.textContent = '';
  const code = codes[i].slice();
  code.forEach((v, d) => {
    const lo = state.ranges[d][0]; const hi = state.ranges[d][1];
    const row = document.createElement('label');
    const input = document.createElement('input');
    Object.assign(input, { type: 'range', min: lo, max: hi, step: (hi - lo) / 200 || 0.01, value: v });
    input.dataset.dimension = String(d);
    const value = document.createElement('span'); value.textContent = v.toFixed(2);
    input.addEventListener('input', () => {
      code[d] = Number(input.value); value.textContent = code[d].toFixed(2);
      decode(code.slice(), `item #${i} with dimension ${d} at ${code[d].toFixed(2)}`);
    });
    row.append(`z${d}`, input, value);
    sliders.append(row);
  });
  showNeighbours(i);
  drawPlane();
  decode(code.slice(), `item #${i}, decoded`);
}

function showNeighbours(i) {
  const { codes } = state.data;
  const q = codes[i];
  const order = codes.map((c, j) => [c.reduce((s, v, d) => s + (v - q[d]) ** 2, 0), j]).filter(([, j]) => j !== i).sort((a, b) => a[0] - b[0]).slice(0, 8);
  const box = $('neighbours'); box.textContent = '';
  for (const [, j] of order) {
    const c = document.createElement('canvas');
    c.width = 56; c.height = 56; c.className = 'pixels'; c.title = `#${j}`;
    drawSample(c, itemPixels(j), 1 / 255);
    c.addEventListener('click', () => choose(j));
    box.append(c);
  }
}

function drawHistogram() {
  const { scores, threshold } = state.data;
  if (!scores) return;
  $('detectorPanel').hidden = false;
  const canvas = $('histogram'); const ctx = canvas.getContext('2d');
  const lo = Math.min(...scores, threshold); const hi = Math.max(...scores, threshold);
  const bins = new Array(40).fill(0);
  scores.forEach((s) => { bins[Math.min(39, Math.floor((s - lo) / (hi - lo || 1) * 40))]++; });
  const top = Math.max(...bins);
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#1f77b4';
  const w = canvas.width / 40;
  bins.forEach((b, k) => ctx.fillRect(k * w, canvas.height - 20 - (canvas.height - 30) * b / top, w - 1, (canvas.height - 30) * b / top));
  const tx = (threshold - lo) / (hi - lo || 1) * canvas.width;
  ctx.strokeStyle = '#d62728'; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(tx, 0); ctx.lineTo(tx, canvas.height - 20); ctx.stroke();
  ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';
  ctx.fillText(lo.toPrecision(3), 0, canvas.height - 5);
  ctx.fillText(hi.toPrecision(3), canvas.width - 40, canvas.height - 5);
  const label = `threshold ${threshold.toPrecision(4)}: ${scores.filter((s) => s > threshold).length} of ${scores.length} flagged`;
  const right = tx + 4 + ctx.measureText(label).width > canvas.width;
  ctx.textAlign = right ? 'right' : 'left';
  ctx.fillText(label, right ? tx - 4 : tx + 4, 12);
  ctx.textAlign = 'left';
}

async function computeUmap() {
  $('status').textContent = 'computing UMAP of the codes…';
  const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: mulberry32(1) });
  state.umap = await umap.fitAsync(state.data.codes);
}

// A seeded generator, so that the UMAP layout is the same at every visit.
function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const [model, data] = await Promise.all([api('/v1/model'), api('/v1/explorer')]);
  state.data = data;
  state.geometry = geometry(data.inputShape);
  state.itemSize = data.inputShape.reduce((a, b) => a * b, 1);
  state.pixels = Uint8Array.from(atob(data.pixels), (ch) => ch.charCodeAt(0));
  const dims = data.codes[0].length;
  state.ranges = Array.from({ length: dims }, (_, d) => {
    const v = data.codes.map((c) => c[d]);
    return [Math.min(...v), Math.max(...v)];
  });
  const select = $('view');
  if (dims !== 2) select.querySelector('option[value=code]').remove();
  if (!data.pca) select.querySelector('option[value=pca]').remove();
  select.addEventListener('change', async () => {
    if (select.value === 'umap' && !state.umap) await computeUmap();
    setView(select.value);
    $('status').textContent = statusLine(model, data);
  });
  if (data.labels) {
    const present = [...new Set(data.labels)].sort((a, b) => a - b);
    $('legend').innerHTML = present.map((l) => `<span><i style="background:${PALETTE[l % PALETTE.length]}"></i>${escapeHtml(String(data.classNames[l] ?? l))}</span>`).join('');
  }
  const plane = $('plane');
  plane.addEventListener('mousemove', (e) => {
    const i = nearestPoint(e.offsetX, e.offsetY, 6);
    if (i >= 0) drawSample($('hover'), itemPixels(i), 1 / 255);
  });
  plane.addEventListener('click', (e) => {
    const i = nearestPoint(e.offsetX, e.offsetY, 4);
    if (i >= 0) { choose(i); return; }
    const { code, note } = planeCode(e.offsetX, e.offsetY);
    decode(code, note);
  });
  setView(dims === 2 ? 'code' : 'pca');
  select.value = state.view;
  drawHistogram();
  choose(0);
  $('status').textContent = statusLine(model, data);
  document.body.dataset.ready = 'true';
}

function statusLine(model, data) {
  return `${model.kind} from ${model.source}: ${data.count} items of ${data.dataset}, ${data.codes[0].length}-D codes`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

main().catch((e) => { $('status').textContent = `error: ${e.message}`; console.error(e); });
