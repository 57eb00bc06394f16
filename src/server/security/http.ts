import type { InjectOptions } from 'fastify';
import type { App } from '../app.ts';
import { ERRORS } from '../errors.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
  /** The response was a server-sent-event stream, read for a short window and then closed by the client. */
  streamed: boolean;
}

/**
 * Sends one request through `app.inject` and reads the answer as a stream, so that an endless response (the SSE
 * stream) is read for `windowMs` and then closed like a browser tab, instead of hanging the run.
 */
export async function send(app: App, opts: InjectOptions, windowMs = 30): Promise<Answer> {
  const abort = new AbortController();
  const res = await app.inject({ ...opts, payloadAsStream: true, signal: abort.signal } as InjectOptions);
  const streamed = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
  const chunks: Buffer[] = [];
  const stream = res.stream();
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      abort.abort();
      done();
    }, streamed ? windowMs : 60_000);
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
    stream.on('end', done);
    stream.on('error', done);
    stream.on('close', done);
  });
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), streamed };
}

export interface LiveStream {
  text(): string;
  close(): void;
}

/** Opens the SSE stream and keeps reading until closed. */
export async function openStream(app: App, url: string, headers: Record<string, string>): Promise<{ status: number; stream: LiveStream }> {
  const abort = new AbortController();
  const res = await app.inject({ method: 'GET', url, headers, payloadAsStream: true, signal: abort.signal } as InjectOptions);
  const chunks: Buffer[] = [];
  const s = res.stream();
  s.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
  s.on('error', () => {});
  return { status: res.statusCode, stream: { text: () => Buffer.concat(chunks).toString('utf8'), close: () => abort.abort() } };
}

const CODES = new Set(Object.keys(ERRORS));
/** Codes whose refusal must name the field at fault. */
const FIELD_CODES = new Set(['VALIDATION_FAILED', 'INVALID_INPUT']);

/**
 * The fuzzer's property for one answer: never 5xx; a refusal is a 4xx whose JSON body holds a catalogued `code`
 * (and the `field` for bad input). Open311 answers in its own shape: `[{code, description}]`, or `<errors>` in XML.
 * Returns what is wrong, or null.
 */
export function problemWith(method: string, url: string, a: Answer): string | null {
  if (a.status >= 500) return `answered ${a.status}`;
  if (method === 'HEAD') return null;
  const type = String(a.headers['content-type'] ?? '');
  const text = a.body.toString('utf8');
  if (a.status < 400) {
    if (type.includes('json') && a.body.length > 0 && !a.streamed) {
      try {
        JSON.parse(text);
      } catch {
        return `answered ${a.status} with a body that is not the JSON it claims to be`;
      }
    }
    return null;
  }
  if (url.startsWith('/open311/')) {
    if (type.includes('xml')) return /<errors>[\s\S]*<code>\d{3}<\/code>[\s\S]*<\/errors>/.test(text) ? null : `open311 refusal ${a.status} without <errors>`;
    try {
      const list = JSON.parse(text) as Array<{ code?: unknown; description?: unknown }>;
      if (!Array.isArray(list) || list.length === 0 || typeof list[0]!.code !== 'number' || typeof list[0]!.description !== 'string') {
        return `open311 refusal ${a.status} not in GeoReport's [{code, description}] shape`;
      }
      return null;
    } catch {
      return `open311 refusal ${a.status} whose body is not JSON`;
    }
  }
  if (!type.includes('application/json')) return `refusal ${a.status} with content-type ${type || 'none'}`;
  let body: { code?: unknown; message?: unknown; field?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return `refusal ${a.status} whose body is not JSON`;
  }
  if (typeof body.code !== 'string' || !CODES.has(body.code)) return `refusal ${a.status} without a catalogued code: ${text.slice(0, 200)}`;
  if (typeof body.message !== 'string' || body.message === '') return `refusal ${body.code} without a message`;
  if (FIELD_CODES.has(body.code) && (typeof body.field !== 'string' || body.field === '')) return `refusal ${body.code} without the field at fault`;
  return null;
}
