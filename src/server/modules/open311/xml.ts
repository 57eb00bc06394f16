/**
 * The XML flavour of GeoReport v2, written by hand: the documents are small and flat, and a dependency would be
 * larger than this file. Objects become child elements in key order, arrays become one child per item named after
 * the container (`services` → `service`), null becomes an empty element, undefined is left out. Values are typed
 * `unknown` so that the presenters' interfaces pass without index signatures; anything else is written as text.
 */

/** The element names GeoReport v2 gives the items of each list. */
export const XML_ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  notes: 'note',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

// Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other than tab, line feed and carriage
// return, lone surrogates (the `u` flag sees them as code points), U+FFFE and U+FFFF. Dropping them keeps a
// description pasted from anywhere from breaking every client's parser.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// Names are ours, never the caller's; a bad one is a programming error, not input to escape.
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return escapeXml(String(value));
}

function element(name: string, value: unknown, items: Readonly<Record<string, string>>): string {
  if (value === undefined) return '';
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = items[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v, items)).join('')}</${name}>`;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v, items))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${scalar(value)}</${name}>`;
}

/** A whole document: the declaration and one root element. */
export function toXml(root: string, value: unknown, items: Readonly<Record<string, string>> = XML_ITEM_NAMES): string {
  return `${XML_DECLARATION}\n${element(root, value, items)}`;
}
