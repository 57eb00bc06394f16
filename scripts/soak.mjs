#!/usr/bin/env node
// Soak: mixed load at half of the measured peak for a long time, reporting memory growth and errors.
//
//   node scripts/soak.mjs [--minutes 30] [--base-url URL --password PW] [--concurrency 16] [--peak-seconds 20]
//
// Without --base-url it starts its own server (`bin/gridloop.js start`) on a free port with a fresh embedded data
// directory and the demo city, or on PostgreSQL when DATABASE_URL is set. The mix: public reports with an
// Idempotency-Key (40%), the case list as the leader (30%), the command summary (15%), person search (15%).
// First it measures the peak (closed loop, --concurrency workers, --peak-seconds), then it runs an open loop at half
// that rate for --minutes, sampling the server's resident memory every 15 s. It prints a table and writes
// bench/results/soak.json. Exit code 1 when any request got a 5xx or no answer.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const minutes = Number(arg('minutes', '30'));
const concurrency = Number(arg('concurrency', '16'));
const peakSeconds = Number(arg('peak-seconds', '20'));
const password = arg('password', 'gridloop-demo');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startOwnServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gridloop-soak-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/gridloop.js'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GRIDLOOP_DATA_DIR: dataDir,
      GRIDLOOP_DEMO: '1',
      GRIDLOOP_DEMO_PASSWORD: password,
      GRIDLOOP_SESSION_SECRET: randomBytes(48).toString('base64'),
      GRIDLOOP_DATA_KEY: randomBytes(48).toString('base64'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // One load generator on one address: the per-address limits would otherwise refuse it.
      GRIDLOOP_REPORT_RATE_PER_MIN: '1000000',
      GRIDLOOP_LOGIN_RATE_PER_MIN: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    await sleep(1000);
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function login(baseUrl, username) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Grid centroids (shoelace) from the territory export: inside the demo's convex Voronoi cells. */
async function gridPoints(baseUrl, cookie) {
  const res = await fetch(`${baseUrl}/api/territory/export`, { headers: { cookie } });
  const fc = await res.json();
  const out = [];
  for (const f of fc.features) {
    if (f.properties.level !== 'grid') continue;
    const g = f.geometry;
    const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
    let a = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const k = x0 * y1 - x1 * y0;
      a += k;
      x += (x0 + x1) * k;
      y += (y0 + y1) * k;
    }
    out.push({ lng: x / (3 * a), lat: y / (3 * a) });
  }
  if (out.length === 0) throw new Error('no grids in the territory export');
  return out;
}

const CATEGORIES = ['E0101', 'E0102', 'E0201', 'C0101', 'C0201'];
const NAMES = ['王', '李', '张', '劉', '陳'];

function makeMix(baseUrl, leaderCookie, points) {
  const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
  return [
    {
      kind: 'report',
      weight: 40,
      request: () => {
        const p = pick(points);
        return fetch(`${baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({
            categoryCode: pick(CATEGORIES),
            lat: p.lat,
            lng: p.lng,
            description: 'soak test report',
            anonymous: true,
          }),
        });
      },
    },
    { kind: 'cases', weight: 30, request: () => fetch(`${baseUrl}/api/cases?limit=20`, { headers: { cookie: leaderCookie } }) },
    { kind: 'summary', weight: 15, request: () => fetch(`${baseUrl}/api/command/summary`, { headers: { cookie: leaderCookie } }) },
    {
      kind: 'search',
      weight: 15,
      request: () => fetch(`${baseUrl}/api/persons?q=${encodeURIComponent(pick(NAMES))}`, { headers: { cookie: leaderCookie } }),
    },
  ];
}

function chooser(mix) {
  const total = mix.reduce((s, m) => s + m.weight, 0);
  return () => {
    let r = Math.random() * total;
    for (const m of mix) {
      r -= m.weight;
      if (r < 0) return m;
    }
    return mix[mix.length - 1];
  };
}

function newStats() {
  return { count: 0, errors5xx: 0, failed: 0, other4xx: 0, latencies: [], statuses: {} };
}

async function fire(choose, stats) {
  const m = choose();
  stats[m.kind] ??= newStats();
  const s = stats[m.kind];
  const t0 = performance.now();
  try {
    const res = await m.request();
    await res.arrayBuffer();
    s.count++;
    s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) s.errors5xx++;
    else if (res.status >= 400 && res.status !== 404) s.other4xx++;
  } catch {
    s.failed++;
  }
  s.latencies.push(performance.now() - t0);
}

function quantile(xs, q) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function rssOf(baseUrl, pid) {
  if (pid) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // fall back to the metrics endpoint
    }
  }
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\d+(?:\.\d+)?)/m.exec(text);
  return m ? Number(m[1]) : null;
}

const own = arg('base-url', null) ? null : await startOwnServer();
const baseUrl = arg('base-url', own?.baseUrl);
try {
  const admin = await login(baseUrl, 'admin');
  const leader = await login(baseUrl, 'leader');
  const points = await gridPoints(baseUrl, admin);
  const choose = chooser(makeMix(baseUrl, leader, points));

  // Peak: a closed loop of `concurrency` workers.
  const peakStats = {};
  const peakEnd = Date.now() + peakSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < peakEnd) await fire(choose, peakStats);
    }),
  );
  const peakCount = Object.values(peakStats).reduce((s, x) => s + x.count, 0);
  const peakRps = peakCount / peakSeconds;
  const rate = Math.max(1, peakRps / 2);
  console.log(`peak ${peakRps.toFixed(1)} req/s over ${peakSeconds} s; soaking at ${rate.toFixed(1)} req/s for ${minutes} min`);

  // Soak: an open loop at half the peak, so a slow server accumulates work instead of hiding it.
  const stats = {};
  const samples = [];
  const t0 = Date.now();
  const end = t0 + minutes * 60_000;
  const inflight = new Set();
  let nextSample = t0;
  let sent = 0;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - t0) / 1000) * rate);
    while (sent < due) {
      const p = fire(choose, stats).finally(() => inflight.delete(p));
      inflight.add(p);
      sent++;
    }
    if (Date.now() >= nextSample) {
      const rss = await rssOf(baseUrl, own?.pid);
      samples.push({ atS: Math.round((Date.now() - t0) / 1000), rssMb: rss ? Math.round(rss / 1048576) : null, inflight: inflight.size });
      nextSample += 15_000;
    }
    await sleep(5);
  }
  await Promise.all(inflight);

  const rows = Object.entries(stats).map(([kind, s]) => ({
    kind,
    requests: s.count + s.failed,
    '5xx': s.errors5xx,
    'no answer': s.failed,
    '4xx': s.other4xx,
    'p50 ms': Math.round(quantile(s.latencies, 0.5) ?? 0),
    'p99 ms': Math.round(quantile(s.latencies, 0.99) ?? 0),
    statuses: Object.entries(s.statuses).map(([k, v]) => `${k}×${v}`).join(' '),
  }));
  console.table(rows);
  const rss = samples.map((x) => x.rssMb).filter((x) => x !== null);
  // Growth over the second half, after warm-up: a leak keeps growing there, caches do not.
  const half = rss.slice(Math.floor(rss.length / 2));
  const growth = half.length > 1 ? half[half.length - 1] - half[0] : null;
  console.log(`RSS first ${rss[0]} MB, last ${rss[rss.length - 1]} MB, max ${Math.max(...rss)} MB; growth over the second half ${growth} MB`);
  const errors = rows.reduce((s, r) => s + r['5xx'] + r['no answer'], 0);
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench/results/soak.json'),
    `${JSON.stringify(
      {
        name: 'soak',
        date: new Date().toISOString(),
        machine: { cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
        db: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
        minutes,
        peakRps,
        rate,
        rows,
        samples,
        rssGrowthSecondHalfMb: growth,
        errors,
      },
      null,
      2,
    )}\n`,
  );
  process.exitCode = errors > 0 ? 1 : 0;
} finally {
  await own?.stop();
}
