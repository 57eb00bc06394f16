import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../../testing/fixtures.ts';
import { storageRoot } from '../backup/files.ts';
import { checkIntegrity, freePort, gridPoint, queryFor, ReportLoad, type ServerProcess, serverEnv, sleep, startServer } from './harness.ts';
import { TcpProxy } from './proxy.ts';
import { backend, openScratch, removeTempDirs, type Scratch, scratchPostgres, seededDatabase, tempDir } from './scratch.ts';

let alive: () => void = () => {};

async function until<T>(what: string, fn: () => Promise<T | null>, maxMs: number): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    alive();
    const v = await fn().catch(() => null);
    if (v !== null) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > maxMs) throw new Error(`${what}: not within ${maxMs} ms`);
    await sleep(200);
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { status?: string; code?: string };
}

async function call(url: string, init: RequestInit = {}, timeoutMs = 20_000): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

/** Server-sent events as a dispatcher hears them: the case ids announced. */
async function listen(base: string): Promise<{ ids: Set<string>; close(): void }> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: TEST_PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const abort = new AbortController();
  const res = await fetch(`${base}/api/stream`, { headers: { cookie }, signal: abort.signal });
  const ids = new Set<string>();
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      for (const m of buf.matchAll(/"caseId":"([0-9a-f-]{36})"/g)) ids.add(m[1]!);
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    }
  })().catch(() => {});
  return { ids, close: () => abort.abort() };
}

describe.runIf(backend === 'postgres')('a database outage behind a TCP proxy', () => {
  let scratch: Scratch | null = null;
  let proxy: TcpProxy | null = null;
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await proxy?.close();
    await scratch?.drop();
    removeTempDirs();
  });

  it('answers 503 with Retry-After, reports degraded health, recovers by itself and loses nothing acknowledged', async () => {
    scratch = await scratchPostgres('outage');
    await (await seededDatabase(() => openScratch(scratch!))).close();
    const direct = new URL(scratch.url);
    proxy = new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(scratch.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    const dataDir = tempDir('outage');
    server = await startServer(serverEnv({ DATABASE_URL: proxied.toString(), PORT: String(await freePort()), GRIDLOOP_DATA_DIR: dataDir }));
    const base = server.url;
    const child = server;
    alive = () => {
      if (child.child.exitCode !== null || child.child.signalCode !== null) {
        throw new Error(`Gridloop exited during the outage (${child.child.exitCode ?? child.child.signalCode}):\n${child.output().slice(-3000)}`);
      }
    };
    const db = await queryFor(scratch.url);
    const point = await gridPoint(db.query);
    const stream = await listen(base);
    const load = new ReportLoad(() => base, point, { clients: 4, photoEvery: 5, tag: 'outage' });
    load.start();
    const report = (marker: string) =>
      call(`${base}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': marker },
        body: JSON.stringify({ categoryCode: 'E0102', lat: point.lat, lng: point.lng, description: marker, deviceId: marker }),
      });

    for (const mode of ['refuse', 'partition'] as const) {
      await until('load before the cut', async () => (load.acknowledged > 0 ? true : null), 60_000);
      const before = load.acknowledged;
      proxy.cut(mode);
      const degraded = await until(
        `health degraded (${mode})`,
        async () => {
          const h = await call(`${base}/api/health`);
          return h.status === 503 && h.body.status === 'degraded' ? h : null;
        },
        30_000,
      );
      expect(degraded.value.retryAfter).toMatch(/^\d+$/);
      const marker = `outage probe ${mode} ${Date.now()}`;
      const probe = report(marker);
      if (mode === 'refuse') {
        // The database is gone: a request gets its answer at once.
        const refused = await probe;
        expect(refused.status).toBe(503);
        expect(refused.retryAfter).toMatch(/^\d+$/);
        expect(refused.body.code).toBe('SERVICE_UNAVAILABLE');
      }
      await sleep(2000);
      proxy.restore();
      // A partition holds what was sent: a request caught by it either completes once the network heals, or is
      // refused with 503 (its pool wait ran out); never a 500.
      const answered = await probe;
      console.log(`outage (${mode}): health degraded after ${degraded.ms} ms; a report sent during it got ${answered.status} ${answered.body.code ?? ''}`);
      expect([201, 503]).toContain(answered.status);
      if (answered.status === 503) expect(answered.retryAfter).toMatch(/^\d+$/);
      const stored = await db.query<{ n: number }>(`select count(*)::int as n from cases where description = $1`, [marker]);
      expect(stored[0]!.n).toBe(answered.status === 201 ? 1 : 0);
      const healthy = await until(
        `health ok again (${mode})`,
        async () => ((await call(`${base}/api/health`)).status === 200 ? true : null),
        60_000,
      );
      const working = await until(`reports acknowledged again (${mode})`, async () => (load.acknowledged > before + 2 ? true : null), 60_000);
      console.log(`outage (${mode}): healthy ${healthy.ms} ms after the database came back, reports flowing after ${working.ms} ms`);
    }

    const result = await load.stop(60_000);
    expect(server.child.exitCode).toBeNull();
    expect(result.refusals).toEqual([]);
    for (const seen of Object.keys(result.unavailable)) expect(seen).toMatch(/^503 SERVICE_UNAVAILABLE retry-after=\d+$/);
    // Live updates came back too: the LISTEN connection reconnected by itself.
    const last = result.acks.at(-1)!;
    await until('the last report announced to live clients', async () => (stream.ids.has(last.caseId) ? true : null), 30_000);
    stream.close();
    const integrity = await checkIntegrity(db.query, result, storageRoot(dataDir));
    expect(integrity.problems).toEqual([]);
    await db.close();
    console.log(`outage: ${result.acks.length} reports acknowledged, 5xx answers ${JSON.stringify(result.unavailable)}, retries ${JSON.stringify(result.retries)}`);
  }, 400_000);
});
