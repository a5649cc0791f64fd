// The playground page: records the microphone as 16-bit PCM and posts it to a turn, shows the
// turn's events as they stream in (transcript, answer tokens, spoken audio scheduled gap-free,
// spectrograms, timings) and cancels a running answer when the user starts talking again.
import { melSpectrogramPng } from './spectrogram.js';

const $ = (id) => document.getElementById(id);
const EVENT_TYPES = ['accepted', 'transcript', 'answer_delta', 'answer', 'audio', 'spectrogram',
  'completed', 'error'];
const CHUNK_SECONDS = 0.1;       // audio posted about ten times a second
const MAX_RECORD_SECONDS = 120;  // the question spectrogram keeps at most this much

// Counters the browser tests read; also handy in the console.
const stats = {
  turnsStarted: 0, transcripts: 0, finalTranscripts: 0, answerDeltas: 0, answers: 0,
  audioSecondsCaptured: 0, audioChunksSent: 0, audioSecondsSent: 0, audioChunksScheduled: 0, scheduledSeconds: 0,
  spectrograms: 0, questionSpectrograms: 0, playbackStops: 0, bargeIns: 0, cancels: 0,
  errors: 0, completed: 0,
};
const turns = [];
window.playground = { stats, turns, playing: () => playing() };

let audioCtx = null;
let workletReady = null;
let current = null;       // the turn whose answer is on screen
let recording = null;     // {turn, stream, node, source, samples, pending, seq, chain}
let starting = false;     // the microphone is being opened (a permission prompt may be showing)
let image = null;         // {bytes: Uint8Array, name, type, url}
const player = { nextTime: 0, sources: new Set() };

function setStatus(text) { $('status').textContent = text; }

function showError(text) {
  const el = $('error');
  el.textContent = text;
  el.hidden = !text;
}

async function audio() {
  if (!audioCtx) {
    audioCtx = new AudioContext();
  }
  if (audioCtx.state === 'suspended') {
    await audioCtx.resume().catch(() => {});
  }
  return audioCtx;
}

// --- turns --------------------------------------------------------------------------------------

function options() {
  const o = { spectrogram: true };
  const language = $('language').value.trim();
  const voice = $('voice').value.trim();
  const max = parseInt($('max-tokens').value, 10);
  if (language) o.language = language;
  if (voice) o.voice = voice;
  if (max > 0) o.max_tokens = max;
  if ($('continue').checked) {
    o.history = [];
    for (const t of turns) {
      if (t.terminal !== 'completed') continue;
      o.history.push({ role: 'user', text: t.question });
      o.history.push({ role: 'assistant', text: t.answer });
    }
  }
  return o;
}

function bytesToBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function base64ToBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function postJson(url, body) {
  const r = await fetch(url, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : {};
  if (!r.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

/** Starts a turn; {sampleRate} when microphone audio follows. */
async function startTurn(sampleRate) {
  const prompt = $('prompt').value.trim();
  const body = { prompt, options: options() };
  if (image) body.image = { data: bytesToBase64(image.bytes), mime_type: image.type };
  if (sampleRate) body.audio = { sample_rate: sampleRate };
  const turn = {
    id: null, requestId: null, prompt, question: prompt, transcript: '', answer: '',
    terminal: null, errorCode: null, errorMessage: null, finishReason: null,
    promptTokens: null, withImage: !!image, spectrograms: 0, audioChunks: 0, source: null,
  };
  turns.push(turn);
  stats.turnsStarted++;
  current = turn;
  resetAnswer();
  addHistory(turn);
  setRunning(true);
  clearImage();
  try {
    const started = await postJson('/api/turns', body);
    turn.id = started.turn;
    listen(turn, started.events);
  } catch (e) {
    fail(turn, `Could not start: ${e.message}`);
  }
  return turn;
}

function listen(turn, url) {
  const source = new EventSource(url);
  turn.source = source;
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (ev) => onEvent(turn, type, JSON.parse(ev.data)));
  }
  source.addEventListener('end', () => { source.close(); finish(turn); });
  source.onerror = () => {
    // EventSource reconnects by itself; a finished or forgotten turn must not.
    if (turn.terminal || source.readyState === EventSource.CLOSED) {
      source.close();
      if (!turn.terminal) fail(turn, 'The connection to the server was lost.');
    }
  };
}

function onEvent(turn, type, e) {
  const shown = turn === current;
  switch (type) {
    case 'accepted':
      turn.requestId = e.request_id;
      if (shown) setStatus(`Request ${e.request_id} accepted.`);
      break;
    case 'transcript':
      stats.transcripts++;
      if (e.final) stats.finalTranscripts++;
      turn.transcript = e.text;
      turn.question = [turn.prompt, e.text.trim()].filter(Boolean).join(' — ');
      if (shown) {
        $('transcript').textContent = e.text;
        $('transcript').classList.toggle('final', e.final);
      }
      break;
    case 'answer_delta':
      stats.answerDeltas++;
      turn.answer += e.text;
      if (shown) $('answer').textContent = turn.answer;
      break;
    case 'answer':
      stats.answers++;
      turn.answer = e.text;
      turn.finishReason = e.finish_reason;
      turn.promptTokens = e.usage.prompt_tokens;
      if (shown) {
        $('answer').textContent = e.text;
        $('usage').textContent = `${e.usage.prompt_tokens} prompt tokens, `
          + `${e.usage.completion_tokens} generated (${e.finish_reason}), `
          + `first token after ${Math.round(e.usage.time_to_first_token_ms)} ms, `
          + `${e.usage.tokens_per_second.toFixed(1)} tokens/s`;
      }
      break;
    case 'audio':
      if (shown && !turn.interrupted) schedule(turn, e);
      break;
    case 'spectrogram':
      stats.spectrograms++;
      turn.spectrograms++;
      if (shown) {
        const img = new Image();
        img.alt = `mel spectrogram of spoken sentence ${e.sentence_index + 1}`;
        img.className = 'answer-spectrogram';
        img.src = `data:image/png;base64,${e.png}`;
        $('answer-spectrograms').append(img);
      }
      break;
    case 'completed':
      stats.completed++;
      turn.terminal = 'completed';
      if (shown) showTimings(e);
      break;
    case 'error':
      stats.errors++;
      turn.terminal = 'error';
      turn.errorCode = e.code_name;
      turn.errorMessage = e.message;
      if (shown) showError(describeError(e));
      break;
  }
}

function describeError(e) {
  const what = {
    INVALID_ARGUMENT: 'The request was refused', CANCELLED: 'Cancelled',
    RESOURCE_EXHAUSTED: 'The assistant is busy', DEADLINE_EXCEEDED: 'Took too long',
    UNAVAILABLE: 'The assistant is unavailable', NOT_FOUND: 'Not found',
  }[e.code_name] || 'Failed';
  const stage = e.stage && e.stage !== 'gateway' ? ` (${e.stage})` : '';
  return `${what}${stage}: ${e.message}`;
}

function fail(turn, message) {
  turn.terminal = 'error';
  turn.errorMessage = message;
  stats.errors++;
  if (turn === current) showError(message);
  finish(turn);
}

function finish(turn) {
  if (turn.source) turn.source.close();
  if (!turn.terminal) turn.terminal = 'ended';
  // A turn refused while still recording (too long, too much audio): release the microphone.
  if (recording && recording.turn === turn) stopCapture();
  updateHistory(turn);
  if (turn === current) {
    setRunning(false);
    setStatus(turn.terminal === 'completed' ? 'Done.' : 'Ended.');
  }
}

async function cancel(turn, why) {
  if (!turn || turn.terminal || turn.cancelling) return;
  turn.cancelling = true;
  stats.cancels++;
  setStatus(why);
  try {
    while (!turn.id && !turn.terminal) await new Promise((r) => setTimeout(r, 20));
    if (turn.id && !turn.terminal) await postJson(`/api/turns/${turn.id}/cancel`);
  } catch (e) {
    // Already finished (404) or refused: the turn's own events say how it ended.
    console.info('cancel:', e.message);
  }
}

// --- playback -----------------------------------------------------------------------------------

function schedule(turn, e) {
  let bytes = base64ToBytes(e.data);
  if (e.format === 'wav') bytes = bytes.subarray(44);
  const frames = bytes.length >> 1;
  if (frames === 0 || !audioCtx) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, frames * 2);
  const buffer = audioCtx.createBuffer(1, frames, e.sample_rate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < frames; i++) channel[i] = view.getInt16(2 * i, true) / 32768;
  const source = audioCtx.createBufferSource();
  source.buffer = buffer;
  source.connect(audioCtx.destination);
  // Each chunk starts where the previous one ends: no gap, no overlap, however they arrive.
  const start = Math.max(player.nextTime, audioCtx.currentTime + 0.05);
  source.start(start);
  player.nextTime = start + buffer.duration;
  player.sources.add(source);
  source.onended = () => player.sources.delete(source);
  turn.audioChunks++;
  stats.audioChunksScheduled++;
  stats.scheduledSeconds += buffer.duration;
}

function playing() {
  return player.sources.size > 0 && audioCtx && player.nextTime > audioCtx.currentTime;
}

function stopPlayback() {
  if (player.sources.size === 0) return;
  for (const s of player.sources) {
    try { s.stop(); } catch (e) { /* not started yet */ }
  }
  player.sources.clear();
  player.nextTime = 0;
  stats.playbackStops++;
}

// --- microphone ---------------------------------------------------------------------------------

async function startRecording() {
  // Barge-in: talking again silences the answer and stops the request that is producing it.
  const running = current && !current.terminal;
  if (running || playing()) {
    stats.bargeIns++;
    if (current) current.interrupted = true;
    stopPlayback();
    if (running) cancel(current, 'Interrupted: listening to you.');
  }
  const ctx = await audio();
  try {
    if (!workletReady) workletReady = ctx.audioWorklet.addModule('pcm-capture.js');
    await workletReady;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, 'pcm-capture', { numberOfOutputs: 1 });
    const mute = ctx.createGain();
    mute.gain.value = 0;
    source.connect(node);
    node.connect(mute).connect(ctx.destination);
    recording = {
      turn: null, stream, node, source, mute, rate: ctx.sampleRate, samples: [], recorded: 0,
      pending: [], pendingFrames: 0, seq: 0, chain: Promise.resolve(), failed: false,
    };
    const rec = recording;
    starting = false; // open: a second press now stops (before the turn is even created)
    node.port.onmessage = (e) => capture(rec, e.data);
    setTalking(true);
    setStatus('Listening… press Talk again (or let go) to send.');
    rec.turn = await startTurn(ctx.sampleRate);
    flush(rec, rec.stopped); // stopped already: what was captured, then the end marker
  } catch (e) {
    showError(`The microphone is not available: ${e.message}`);
    stopCapture();
  }
}

function capture(rec, block) {
  if (rec !== recording) return;
  if (rec.recorded < MAX_RECORD_SECONDS * rec.rate) {
    rec.samples.push(block);
    rec.recorded += block.length;
  }
  stats.audioSecondsCaptured += block.length / rec.rate;
  rec.pending.push(block);
  rec.pendingFrames += block.length;
  if (rec.pendingFrames >= CHUNK_SECONDS * rec.rate) flush(rec, false);
}

/** Posts what was captured; with {@code last}, then the end marker. In order, one at a time. */
function flush(rec, last) {
  if (!rec.turn) return;
  const frames = rec.pendingFrames;
  if (frames > 0) {
    const pcm = new DataView(new ArrayBuffer(frames * 2));
    let o = 0;
    for (const block of rec.pending) {
      for (let i = 0; i < block.length; i++, o += 2) {
        const v = Math.max(-1, Math.min(1, block[i]));
        pcm.setInt16(o, v < 0 ? v * 0x8000 : v * 0x7fff, true);
      }
    }
    rec.pending = [];
    rec.pendingFrames = 0;
    const seq = rec.seq++;
    rec.chain = rec.chain.then(() => post(rec, `/api/turns/${rec.turn.id}/audio?seq=${seq}`, pcm.buffer))
      .then(() => { stats.audioChunksSent++; stats.audioSecondsSent += frames / rec.rate; });
  }
  if (last) rec.chain = rec.chain.then(() => post(rec, `/api/turns/${rec.turn.id}/end`, ''));
}

async function post(rec, url, body) {
  if (rec.failed || !rec.turn.id || rec.turn.terminal) return;
  const r = await fetch(url, {
    method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' },
  });
  if (!r.ok) {
    rec.failed = true;
    const data = await r.json().catch(() => ({}));
    if (!rec.turn.terminal) showError(`Audio was not accepted: ${data.error || r.status}`);
  }
}

function stopCapture() {
  const rec = recording;
  recording = null;
  setTalking(false);
  if (!rec) return null;
  rec.node.port.onmessage = null;
  rec.source.disconnect();
  rec.node.disconnect();
  rec.stream.getTracks().forEach((t) => t.stop());
  return rec;
}

function stopRecording() {
  const rec = stopCapture();
  if (!rec) return;
  rec.stopped = true;
  setStatus('Thinking…');
  flush(rec, true);
  showQuestionSpectrogram(rec);
}

function showQuestionSpectrogram(rec) {
  const all = new Float32Array(rec.recorded);
  let o = 0;
  for (const b of rec.samples) { all.set(b.subarray(0, Math.min(b.length, all.length - o)), o); o += b.length; }
  const url = melSpectrogramPng(all, rec.rate);
  if (url) {
    const img = $('question-spectrogram');
    img.onload = () => { stats.questionSpectrograms++; };
    img.src = url;
    img.hidden = false;
  }
}

function toggleRecording() {
  if (starting) return;
  if (recording) {
    stopRecording();
    return;
  }
  starting = true;
  startRecording().finally(() => { starting = false; });
}

// --- the page -----------------------------------------------------------------------------------

function resetAnswer() {
  showError('');
  $('transcript').textContent = '';
  $('transcript').classList.remove('final');
  $('answer').textContent = '';
  $('usage').textContent = '';
  $('answer-spectrograms').replaceChildren();
  $('question-spectrogram').hidden = true;
  $('question-spectrogram').removeAttribute('src');
  $('timings').hidden = true;
}

function showTimings(e) {
  const body = $('timings').querySelector('tbody');
  body.replaceChildren();
  for (const t of e.timings) {
    const tr = document.createElement('tr');
    for (const v of [t.stage, Math.round(t.queued_ms), Math.round(t.processing_ms)]) {
      const td = document.createElement(v === t.stage ? 'th' : 'td');
      if (v === t.stage) td.scope = 'row';
      td.textContent = v;
      tr.append(td);
    }
    body.append(tr);
  }
  $('total').textContent = `${Math.round(e.total_ms)} ms`;
  $('timings').hidden = false;
}

function setRunning(on) {
  $('cancel').disabled = !on;
}

function setTalking(on) {
  $('talk').setAttribute('aria-pressed', String(on));
  $('talk').textContent = on ? 'Stop' : 'Talk';
}

function addHistory(turn) {
  const li = document.createElement('li');
  turn.li = li;
  $('history').prepend(li);
  updateHistory(turn);
}

function updateHistory(turn) {
  if (!turn.li) return;
  const end = turn.terminal === 'completed' ? `done${turn.finishReason ? ` (${turn.finishReason})` : ''}`
    : turn.terminal === 'error' ? `ended: ${turn.errorMessage}` : 'running…';
  turn.li.replaceChildren();
  const q = document.createElement('div');
  q.innerHTML = '<span class="who">You: </span>';
  q.append(document.createTextNode(turn.question || (turn.withImage ? '(image)' : '(speech)')));
  const a = document.createElement('div');
  a.innerHTML = '<span class="who">Assistant: </span>';
  a.append(document.createTextNode(turn.answer));
  const s = document.createElement('div');
  s.className = 'end';
  s.textContent = end;
  turn.li.append(q, a, s);
}

async function setImage(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  clearImage();
  image = { bytes, name: file.name || 'pasted image', type: file.type || '', url: URL.createObjectURL(file) };
  $('image-preview-img').src = image.url;
  $('image-name').textContent = `${image.name} (${bytes.length} bytes) `;
  $('image-preview').hidden = false;
}

function clearImage() {
  if (image) URL.revokeObjectURL(image.url);
  image = null;
  $('image').value = '';
  $('image-preview').hidden = true;
  $('image-preview-img').removeAttribute('src');
}

function wire() {
  const talk = $('talk');
  let pressedAt = 0;
  let fromPointer = false;
  // Click toggles; holding the button down for a moment makes it push-to-talk.
  talk.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    pressedAt = performance.now();
    fromPointer = true;
    toggleRecording();
  });
  talk.addEventListener('pointerup', () => {
    if (pressedAt && recording && performance.now() - pressedAt > 600) stopRecording();
    pressedAt = 0;
  });
  talk.addEventListener('click', () => {
    if (fromPointer) { fromPointer = false; return; }
    toggleRecording(); // keyboard: Enter or Space
  });
  $('send').addEventListener('click', async () => {
    if (!$('prompt').value.trim() && !image) {
      showError('Type a prompt or attach an image first (or press Talk).');
      return;
    }
    if (current && !current.terminal) cancel(current, 'Replaced by a new question.');
    stopPlayback();
    await audio();
    setStatus('Thinking…');
    startTurn(0);
  });
  $('cancel').addEventListener('click', () => {
    stopPlayback();
    if (current) current.interrupted = true;
    cancel(current, 'Cancelling…');
  });
  $('prompt').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('send').click();
  });
  $('image').addEventListener('change', () => setImage($('image').files[0]));
  $('image-remove').addEventListener('click', clearImage);
  document.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData?.files || [])].find((f) => f.type.startsWith('image/'));
    if (file) { e.preventDefault(); setImage(file); }
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    setImage(e.dataTransfer.files[0]);
  });
}

wire();
