/**
 * The bulletin as one self-contained HTML page that prints on A4: inline CSS, no scripts, no external resources, every
 * text escaped. Words come from the web app's i18n files (`bulletin`, `levels`, `stage`), so the
 * page and the app say the same thing in zh-Hant, zh-Hans and en; indicator names are the command service's own
 * (`INDICATOR_NAMES`), as in its indicator workbook.
 */
import { readFileSync } from 'node:fs';
import type { Locale } from '../../i18n.ts';
import type { LevelFigures } from './attenuation.ts';
import type { Bulletin, RankedRow } from './bulletin.ts';
import { INDICATOR_KEYS, INDICATOR_NAMES, type Indicator } from './indicators.ts';

type Tree = { [key: string]: string | Tree };
const trees = new Map<Locale, Tree>();

function tree(locale: Locale): Tree {
  let t = trees.get(locale);
  if (!t) {
    t = JSON.parse(readFileSync(new URL(`../../../web/i18n/${locale}.json`, import.meta.url), 'utf8')) as Tree;
    trees.set(locale, t);
  }
  return t;
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** i18next's `{{name}}` interpolation over the web app's resources; an unknown key reads as itself. */
export function translator(locale: Locale): Translate {
  const root = tree(locale);
  return (key, vars = {}) => {
    let node: string | Tree | undefined = root;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    const text = typeof node === 'string' ? node : key;
    return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An instant as YYYY-MM-DD HH:mm in the city's time zone. */
export function localTime(iso: string, timezone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(f.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const DASH = '—';
export const percent = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : `${(v * 100).toFixed(1)}%`);

export function duration(t: Translate, minutes: number | null): string {
  if (minutes === null) return DASH;
  return minutes < 60 ? t('bulletin.minutes', { n: Math.round(minutes) }) : t('bulletin.hours', { n: (minutes / 60).toFixed(1) });
}

function change(t: Translate, cur: Indicator | null, prev: Indicator | null): string {
  if (cur?.value == null || prev?.value == null) return DASH;
  const d = (cur.value - prev.value) * 100;
  return t('bulletin.points', { n: `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(1)}` });
}

const fraction = (i: Indicator | null) => (i ? `${i.numerator} / ${i.denominator}` : DASH);

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { font-family: "Noto Sans CJK SC", "Noto Sans CJK TC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff; }
body { margin: 0; font-size: 9.5pt; line-height: 1.35; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 12mm; } }
header { border-bottom: 1.2pt solid #111; padding-bottom: 2mm; margin-bottom: 3mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0; }
.meta, .note { color: #333; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #888; padding: 0.8mm 1.2mm; vertical-align: top; }
th { background: #e8e8e8; font-weight: 600; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.rank { font-size: 8pt; }
table.rank th { white-space: normal; font-size: 7.5pt; vertical-align: bottom; }
table.rank td.name { min-width: 30mm; overflow-wrap: anywhere; }
section { break-inside: auto; }
tr.slow th, tr.slow td { background: #fbe3e0; font-weight: 600; }
.tag { font-size: 7.5pt; font-weight: 600; border: 0.5pt solid #a33; color: #a33; padding: 0 1mm; white-space: nowrap; }
footer { margin-top: 5mm; border-top: 0.5pt solid #888; padding-top: 1.5mm; }
`;

function indicatorsTable(b: Bulletin, t: Translate, lang: Locale): string {
  const rows = b.indicators
    .map(
      (i) => `<tr><th scope="row">${escapeHtml(INDICATOR_NAMES[i.key][lang])}</th>
<td class="n">${percent(i.current?.value)}</td><td class="n">${escapeHtml(fraction(i.current))}</td>
<td class="n">${percent(i.previous?.value)}</td><td class="n">${escapeHtml(fraction(i.previous))}</td>
<td class="n">${escapeHtml(change(t, i.current, i.previous))}</td></tr>`,
    )
    .join('\n');
  return `<table>
<thead><tr><th scope="col">${escapeHtml(t('bulletin.indicator'))}</th>
<th scope="col" class="n" colspan="2">${escapeHtml(t('bulletin.thisWeek'))} ${escapeHtml(b.week.from)} – ${escapeHtml(b.week.to)}</th>
<th scope="col" class="n" colspan="2">${escapeHtml(t('bulletin.previousWeek'))} ${escapeHtml(b.previous.from)} – ${escapeHtml(b.previous.to)}</th>
<th scope="col" class="n">${escapeHtml(t('bulletin.change'))}</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function rankingTable(rows: RankedRow[], t: Translate, lang: Locale): string {
  if (rows.length === 0) return `<p class="note">${escapeHtml(t('bulletin.none'))}</p>`;
  const head = INDICATOR_KEYS.map((k) => `<th scope="col" class="n">${escapeHtml(INDICATOR_NAMES[k][lang])}</th>`).join('');
  const body = rows
    .map((r) => {
      const cells = INDICATOR_KEYS.map((k) => `<td class="n">${percent(r.indicators.find((i) => i.key === k)?.value)}</td>`).join('');
      return `<tr><td class="n">${r.rank}</td><td class="name">${escapeHtml(r.key.name[lang])}</td><td class="n">${r.registered}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="rank">
<thead><tr><th scope="col" class="n">${escapeHtml(t('bulletin.rank'))}</th><th scope="col">${escapeHtml(t('bulletin.name'))}</th>
<th scope="col" class="n">${escapeHtml(t('bulletin.registered'))}</th>${head}</tr></thead>
<tbody>
${body}
</tbody></table>
<p class="note">${escapeHtml(t('bulletin.rankedBy'))}</p>`;
}

function attenuationTable(b: Bulletin, t: Translate, lang: Locale): string {
  const before = (l: LevelFigures) => b.attenuation.previous.find((p) => p.level === l.level);
  // The level where cases wait longest stands out: that is what the chain is drawn for.
  const slowest = b.attenuation.current.reduce<LevelFigures | null>(
    (m, l) => (l.medianMinutes !== null && (m === null || l.medianMinutes > (m.medianMinutes ?? 0)) ? l : m),
    null,
  );
  const rows = b.attenuation.current
    .map((l) => {
      const p = before(l);
      const stages = l.stages.map((s) => t(`stage.${s.stage}`)).join(lang === 'en' ? ', ' : '、');
      const slow = l === slowest && b.attenuation.current.filter((x) => x.count > 0).length > 1;
      const mark = slow ? ` <span class="tag">${escapeHtml(t('bulletin.slowest'))}</span>` : '';
      return `<tr${slow ? ' class="slow"' : ''}><th scope="row">${escapeHtml(t(`levels.${l.level}`))}${mark}</th><td>${escapeHtml(stages || DASH)}</td>
<td class="n">${l.count}</td><td class="n">${escapeHtml(duration(t, l.medianMinutes))}</td>
<td class="n">${escapeHtml(duration(t, l.p90Minutes))}</td><td class="n">${percent(l.onTimeRate)}</td>
<td class="n">${p?.count ?? 0}</td><td class="n">${escapeHtml(duration(t, p?.medianMinutes ?? null))}</td>
<td class="n">${percent(p?.onTimeRate)}</td></tr>`;
    })
    .join('\n');
  return `<table>
<thead><tr><th scope="col" rowspan="2">${escapeHtml(t('bulletin.level'))}</th><th scope="col" rowspan="2">${escapeHtml(t('bulletin.stages'))}</th>
<th scope="colgroup" colspan="4">${escapeHtml(t('bulletin.thisWeek'))}</th><th scope="colgroup" colspan="3">${escapeHtml(t('bulletin.previousWeek'))}</th></tr>
<tr><th scope="col" class="n">${escapeHtml(t('bulletin.runs'))}</th><th scope="col" class="n">${escapeHtml(t('bulletin.median'))}</th>
<th scope="col" class="n">${escapeHtml(t('bulletin.p90'))}</th><th scope="col" class="n">${escapeHtml(t('bulletin.onTimeRate'))}</th>
<th scope="col" class="n">${escapeHtml(t('bulletin.runs'))}</th><th scope="col" class="n">${escapeHtml(t('bulletin.median'))}</th>
<th scope="col" class="n">${escapeHtml(t('bulletin.onTimeRate'))}</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

export function renderBulletinHtml(b: Bulletin, lang: Locale, timezone: string): string {
  const t = translator(lang);
  const name = b.node.name[lang];
  const asOf = localTime(b.asOf, timezone);
  const title = t('bulletin.documentTitle', { name, week: b.week.id });
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(name)} · ${escapeHtml(t('bulletin.title'))}</h1>
<p class="meta">${escapeHtml(t('bulletin.week', { year: b.week.year, week: b.week.week, from: b.week.from, to: b.week.to }))}</p>
<p class="meta">${escapeHtml(t('bulletin.asOf', { time: asOf }))}</p>
</header>
<main>
<section aria-labelledby="s-indicators">
<h2 id="s-indicators">${escapeHtml(t('bulletin.indicators'))}</h2>
${indicatorsTable(b, t, lang)}
<p class="note">${escapeHtml(t('bulletin.cohort'))}</p>
</section>
<section aria-labelledby="s-children">
<h2 id="s-children">${escapeHtml(t('bulletin.children'))}</h2>
${rankingTable(b.children, t, lang)}
</section>
<section aria-labelledby="s-departments">
<h2 id="s-departments">${escapeHtml(t('bulletin.departments'))}</h2>
${rankingTable(b.departments, t, lang)}
</section>
<section aria-labelledby="s-attenuation">
<h2 id="s-attenuation">${escapeHtml(t('bulletin.attenuation'))}</h2>
${attenuationTable(b, t, lang)}
<p class="note">${escapeHtml(t('bulletin.attenuationNote'))}</p>
</section>
</main>
<footer class="note">${escapeHtml(t('bulletin.footer', { app: t('app.name'), time: asOf }))}</footer>
</body>
</html>
`;
}
