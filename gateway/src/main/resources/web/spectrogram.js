// Log-mel spectrogram of the recorded question, drawn like the server draws the answer's: 25 ms
// Hann frames every 10 ms, 80 mel bands, 80 dB of range, low frequencies at the bottom.

const BANDS = 80;
const RANGE_DB = 80;

function hzToMel(f) { return f < 1000 ? 3 * f / 200 : 15 + 27 * Math.log(f / 1000) / Math.log(6.4); }
function melToHz(m) { return m < 15 ? 200 * m / 3 : 1000 * Math.pow(6.4, (m - 15) / 27); }

function filterbank(rate, fftSize) {
  const bins = fftSize / 2 + 1;
  const top = hzToMel(Math.min(8000, rate / 2));
  const edges = [];
  for (let i = 0; i < BANDS + 2; i++) edges.push(melToHz(top * i / (BANDS + 1)));
  const filters = [];
  for (let b = 0; b < BANDS; b++) {
    const f = new Float32Array(bins);
    for (let k = 0; k < bins; k++) {
      const hz = k * rate / fftSize;
      const up = (hz - edges[b]) / (edges[b + 1] - edges[b]);
      const down = (edges[b + 2] - hz) / (edges[b + 2] - edges[b + 1]);
      f[k] = Math.max(0, Math.min(up, down));
    }
    filters.push(f);
  }
  return filters;
}

function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { [re[i], re[j]] = [re[j], re[i]]; [im[i], im[j]] = [im[j], im[i]]; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = -2 * Math.PI / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const ar = re[i + k + len / 2], ai = im[i + k + len / 2];
        const tr = ar * wr - ai * wi, ti = ar * wi + ai * wr;
        re[i + k + len / 2] = re[i + k] - tr; im[i + k + len / 2] = im[i + k] - ti;
        re[i + k] += tr; im[i + k] += ti;
      }
    }
  }
}

function colour(v) { // v in [0, 1]: dark blue → purple → orange → pale yellow
  const r = Math.min(255, Math.round(255 * Math.min(1, v * 1.6)));
  const g = Math.round(255 * Math.max(0, v * v * 1.1 - 0.1));
  const b = Math.round(255 * Math.max(0, Math.sin(Math.PI * Math.min(1, v * 1.3))) * 0.8 + 30 * (1 - v));
  return [r, g, Math.min(255, b)];
}

/** A PNG data URL of the log-mel spectrogram of mono samples, or null for too little audio. */
export function melSpectrogramPng(samples, rate) {
  const window = Math.max(16, Math.floor(rate / 40));
  const hop = Math.max(1, Math.floor(rate / 100));
  let fftSize = 1;
  while (fftSize < window) fftSize <<= 1;
  if (samples.length < window) return null;
  const frames = Math.min(3000, 1 + Math.floor((samples.length - window) / hop));
  const hann = new Float32Array(window);
  for (let i = 0; i < window; i++) hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / window);
  const filters = filterbank(rate, fftSize);
  const mel = new Float32Array(frames * BANDS);
  const re = new Float64Array(fftSize), im = new Float64Array(fftSize);
  let max = -Infinity;
  for (let f = 0; f < frames; f++) {
    re.fill(0); im.fill(0);
    for (let i = 0; i < window; i++) re[i] = samples[f * hop + i] * hann[i];
    fft(re, im);
    for (let b = 0; b < BANDS; b++) {
      const filter = filters[b];
      let e = 0;
      for (let k = 0; k < filter.length; k++) if (filter[k]) e += filter[k] * (re[k] * re[k] + im[k] * im[k]);
      const db = 10 * Math.log10(Math.max(e, 1e-10));
      mel[f * BANDS + b] = db;
      if (db > max) max = db;
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = frames;
  canvas.height = BANDS;
  const g = canvas.getContext('2d');
  const img = g.createImageData(frames, BANDS);
  for (let f = 0; f < frames; f++) {
    for (let b = 0; b < BANDS; b++) {
      const v = Math.max(0, (mel[f * BANDS + b] - (max - RANGE_DB)) / RANGE_DB);
      const [r, gg, bb] = colour(v);
      const p = ((BANDS - 1 - b) * frames + f) * 4;
      img.data[p] = r; img.data[p + 1] = gg; img.data[p + 2] = bb; img.data[p + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}
