// bnnsr's page: upload, progress, before/after slider, zoomed crops, download. Plain JS, no libraries.
'use strict';
const $ = (id) => document.getElementById(id);
let chosen = null;        // the File to upscale
let models = [];
let modelUrl = null, bicubicUrl = null;
const ZOOM_SIDE = 64;     // output pixels shown in each zoom canvas

function showError(msg) { $('error').textContent = msg; $('error').hidden = false; }
function clearError() { $('error').hidden = true; $('error').textContent = ''; }
function setStatus(text, percent) { $('progress').hidden = false; $('status').textContent = text; if (percent !== undefined) $('bar').value = percent; }

async function loadModels() {
  try {
    const r = await fetch('api/models');
    const j = await r.json();
    models = j.models;
    const sel = $('model');
    for (const m of models) {
      const o = document.createElement('option');
      o.value = m.id;
      o.textContent = `${m.id}: ${m.arch} x${m.scale}, ${(m.bytes / 1e6).toFixed(2)} MB, ${m.speed}`;
      sel.appendChild(o);
    }
  } catch (e) { showError('Could not list the models: ' + e); }
}

function choose(file) {
  chosen = file;
  clearError();
  $('go').disabled = !file;
  if (file) setStatus(`${file.name} (${Math.round(file.size / 1024)} KB) ready`, 0);
}

function errorText(xhrOrResp, body) {
  try { const j = JSON.parse(body); return `Error ${j.status}: ${j.error}`; } catch (e) { return `Error ${xhrOrResp.status}`; }
}

// POST the file; resolves to a Blob (PNG) or rejects with a message. Reports upload and tile progress.
function post(query, file, jobId, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', 'api/upscale?' + query + '&job=' + jobId);
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress('uploading', 30 * e.loaded / e.total); };
    xhr.onload = async () => {
      if (xhr.status === 200) resolve(xhr.response);
      else reject(errorText(xhr, await xhr.response.text()));
    };
    xhr.onerror = () => reject('Network error (is the server running?)');
    xhr.send(file);
  });
}

function pollProgress(jobId, onProgress) {
  let stop = false;
  (async function loop() {
    while (!stop) {
      await new Promise((r) => setTimeout(r, 300));
      if (stop) break;
      try {
        const r = await fetch('api/progress?job=' + jobId);
        if (!r.ok) continue;
        const p = await r.json();
        if (p.state === 'queued') onProgress(`waiting in the queue (${p.ahead} ahead)`, 30);
        else if (p.state === 'running') onProgress(p.tilesTotal ? `upscaling: tile ${p.tilesDone} of ${p.tilesTotal}` : 'upscaling...',
            30 + (p.tilesTotal ? 65 * p.tilesDone / p.tilesTotal : 10));
      } catch (e) { /* the next poll will tell */ }
    }
  })();
  return () => { stop = true; };
}

async function upscale() {
  if (!chosen) return;
  clearError();
  $('go').disabled = true;
  const model = models.find((m) => m.id === $('model').value) || models[0];
  const jobId = 'j' + Math.random().toString(36).slice(2) + Date.now().toString(36);
  const t0 = performance.now();
  setStatus('uploading', 0);
  const stopPolling = pollProgress(jobId, setStatus);
  try {
    const png = await post('model=' + encodeURIComponent(model.id), chosen, jobId, setStatus);
    stopPolling();
    setStatus('bicubic for comparison', 97);
    const bic = await post('method=bicubic&scale=' + model.scale, chosen, jobId + 'b');
    if (modelUrl) URL.revokeObjectURL(modelUrl);
    if (bicubicUrl) URL.revokeObjectURL(bicubicUrl);
    modelUrl = URL.createObjectURL(png);
    bicubicUrl = URL.createObjectURL(bic);
    await Promise.all([load($('after'), modelUrl), load($('before'), bicubicUrl)]);
    const a = $('after');
    $('sizes').textContent = `${a.naturalWidth} x ${a.naturalHeight} (x${model.scale}, ${model.id}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const stem = chosen.name.replace(/\.[^.]*$/, '');
    $('download').href = modelUrl;
    $('download').download = `${stem}_x${model.scale}.png`;
    $('zoomModelCaption').textContent = model.id;
    $('result').hidden = false;
    setSlider(Number($('slider').value));
    zoomAt(0.5, 0.5);
    setStatus('done', 100);
    document.body.dataset.state = 'done';       // for tests and scripts: the result is shown
  } catch (msg) {
    stopPolling();
    setStatus('failed', 0);
    showError(String(msg));
    document.body.dataset.state = 'error';
  } finally {
    $('go').disabled = false;
  }
}

function load(img, url) {
  return new Promise((resolve, reject) => { img.onload = resolve; img.onerror = () => reject('The result could not be shown'); img.src = url; });
}

function setSlider(percent) {
  $('after').style.clipPath = `inset(0 0 0 ${percent}%)`;
  $('divider').style.left = percent + '%';
}

// Draws the same ZOOM_SIDE x ZOOM_SIDE output crop of both results, centred at (fx, fy) in [0, 1].
function zoomAt(fx, fy) {
  for (const [canvasId, imgId] of [['zoomBicubic', 'before'], ['zoomModel', 'after']]) {
    const img = $(imgId), c = $(canvasId), g = c.getContext('2d');
    const side = Math.min(ZOOM_SIDE, img.naturalWidth, img.naturalHeight);
    const x = Math.max(0, Math.min(img.naturalWidth - side, Math.round(fx * img.naturalWidth - side / 2)));
    const y = Math.max(0, Math.min(img.naturalHeight - side, Math.round(fy * img.naturalHeight - side / 2)));
    g.imageSmoothingEnabled = false;
    g.clearRect(0, 0, c.width, c.height);
    g.drawImage(img, x, y, side, side, 0, 0, c.width, c.height);
  }
}

$('file').addEventListener('change', (e) => choose(e.target.files[0] || null));
$('go').addEventListener('click', upscale);
$('slider').addEventListener('input', (e) => setSlider(Number(e.target.value)));
$('compare').addEventListener('click', (e) => {
  const r = e.currentTarget.getBoundingClientRect();
  zoomAt((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
});
loadModels();
