/**
 * One household of the bench city as COPY rows: the household, its members and their residences. The household's
 * shape (size, ages, relations, floating share, care tags, phones) follows the demo seeder (src/demo/people.ts); the
 * names follow the real distributions of names.ts. ID numbers and phones are encrypted and blind-indexed exactly as the
 * import writes them (DataCipher and the masks of src/domain/crypto.ts, the name key of text-normalize.ts).
 * Deterministic per (seed, household index) except the ciphertexts, whose nonces are random as they must be.
 */
import { AGE_PYRAMID } from '../../src/demo/people.ts';
import { csvLine } from '../../src/demo/copy.ts';
import { type Rng, rngFor } from '../../src/demo/prng.ts';
import { type DataCipher, maskIdNumber, maskPhone } from '../../src/domain/crypto.ts';
import { idChecksum } from '../../src/domain/id-number.ts';
import { nameSearchKey } from '../../src/domain/text-normalize.ts';
import { personName, surname } from './names.ts';

export const HOUSEHOLD_COLUMNS = ['id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'building_id', 'unit', 'number', 'address', 'household_type'] as const;
export const PERSON_COLUMNS = [
  'id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'name', 'name_key', 'id_type', 'id_number_enc', 'id_number_index',
  'id_number_masked', 'phone_enc', 'phone_index', 'phone_masked', 'gender', 'birth_date', 'care_tags',
] as const;
export const RESIDENCE_COLUMNS = ['id', 'district_id', 'path', 'person_id', 'household_id', 'building_id', 'relation', 'residence_type', 'moved_in'] as const;

/** Household sizes 1–6 and their shares (mean about 2.78), as in the demo seeder. */
const HOUSEHOLD_SIZES = [0.2, 0.28, 0.24, 0.15, 0.09, 0.04] as const;
export const PERSONS_PER_HOUSEHOLD = 2.77;
export const HOUSEHOLDS_PER_BUILDING = 12;
const FLOATING_SHARE = 0.3;
/** Regions the floating population is registered in (Hebei, Henan, Shandong, Anhui, Hubei, Sichuan, Heilongjiang, Liaoning…). */
const ORIGINS = ['130102', '130204', '410105', '410302', '370102', '370202', '340104', '420106', '510104', '230103', '210102', '140105', '360102', '430102'] as const;

export interface GridInfo {
  id: string;
  code: string;
  districtId: string;
  districtCode: string;
  streetId: string | null;
  communityId: string | null;
  path: string;
}

export interface BuildingInfo {
  id: string;
  grid: number;
  address: string;
  floors: number;
}

export interface Household {
  household: string;
  persons: string;
  residences: string;
  size: number;
  floating: boolean;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(rng: Rng): string {
  const x = Math.floor(rng() * 4294967296);
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/**
 * A UUID in the version 7 layout from a seeded stream (the same seed gives the same ids), four draws instead of the
 * demo's 34: at ten million persons, their households and residences the difference is minutes.
 */
export function seededId(rng: Rng): string {
  const a = hex32(rng);
  const b = hex32(rng);
  const c = hex32(rng);
  const d = hex32(rng);
  const variant = (8 + (Number.parseInt(c[0]!, 16) & 3)).toString(16);
  return `${a}-${b.slice(0, 4)}-7${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

function weighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

function ageAt(rng: Rng, min = 0, max = 99): number {
  for (;;) {
    const band = weighted(rng, AGE_PYRAMID);
    const age = band * 5 + Math.floor(rng() * (band === AGE_PYRAMID.length - 1 ? 15 : 5));
    if (age >= min && age <= max) return age;
  }
}

function birthDateOf(rng: Rng, age: number, asOfYear: number): string {
  const d = new Date(Date.UTC(asOfYear - age - 1, 0, 1) + Math.floor(rng() * 365) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** A GB 11643 number: region, birth date, a sequence whose parity is the gender, and the checksum. */
export function idNumberOf(region: string, birth: string, female: boolean, rng: Rng): string {
  let seq = Math.floor(rng() * 500) * 2 + (female ? 0 : 1);
  if (seq > 999) seq -= 2;
  const first17 = `${region}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idChecksum(first17);
}

export function phoneOf(rng: Rng): string {
  const prefixes = ['3', '5', '7', '8', '9'];
  return `1${prefixes[Math.floor(rng() * prefixes.length)]}${Math.floor(rng() * 10)}${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;
}

const nameKeys = new Map<string, string>();
/** Names repeat a great deal: their search key is computed once each. */
function nameKey(name: string): string {
  let k = nameKeys.get(name);
  if (k === undefined) {
    k = nameSearchKey(name);
    if (nameKeys.size < 2_000_000) nameKeys.set(name, k);
  }
  return k;
}

/**
 * Household `hh` with at most `maxSize` members (so that the total comes out exact), in building `b` of grid `g`.
 * `extra` values are appended to each person row (columns added by later migrations, e.g. residence_open).
 */
export function household(
  seed: number,
  hh: number,
  b: BuildingInfo,
  g: GridInfo,
  cipher: DataCipher,
  asOfYear: number,
  maxSize: number,
  extra: readonly (string | boolean | null)[] = [],
): Household {
  const rng = rngFor(seed, `household:${hh}`);
  const floating = rng() < FLOATING_SHARE;
  const size = Math.min(maxSize, weighted(rng, HOUSEHOLD_SIZES) + 1);
  const householdId = seededId(rng);
  const units = b.floors > 7 ? 2 : 3;
  const unit = 1 + Math.floor(rng() * units);
  const room = `${1 + Math.floor(rng() * b.floors)}0${1 + Math.floor(rng() * 4)}`;
  const number = `H${g.code}${String(hh).padStart(8, '0')}`;
  const householdCsv = csvLine([householdId, g.districtId, g.streetId, g.communityId, g.id, g.path, b.id, `${unit}单元${room}`, number, `${b.address}${unit}单元${room}`, 'family']);
  const region = floating ? ORIGINS[Math.floor(rng() * ORIGINS.length)]! : g.districtCode;
  const family = surname(rng);
  const headAge = size === 1 ? ageAt(rng, 20) : ageAt(rng, 25, 80);
  const movedIn = `${2000 + Math.floor(rng() * 25)}-0${1 + Math.floor(rng() * 9)}-15`;
  let persons = '';
  let residences = '';
  for (let m = 0; m < size; m++) {
    let age: number;
    let relation: string;
    if (m === 0) {
      age = headAge;
      relation = 'head';
    } else if (m === 1 && size > 1 && rng() < 0.75) {
      age = Math.max(18, Math.min(99, headAge + Math.floor(rng() * 9) - 4));
      relation = 'spouse';
    } else if (headAge >= 60 && rng() < 0.3) {
      age = Math.max(0, headAge - 25 - Math.floor(rng() * 10));
      relation = 'child';
    } else if (headAge >= 40 && rng() < 0.3) {
      age = Math.max(0, headAge - 50 - Math.floor(rng() * 10));
      relation = age < 18 ? 'grandchild' : 'child';
    } else {
      age = Math.max(0, headAge - 22 - Math.floor(rng() * 15));
      relation = 'child';
    }
    const female = m === 1 ? rng() < 0.9 : rng() < 0.49;
    const birth = birthDateOf(rng, age, asOfYear);
    const id = idNumberOf(region, birth, female, rng);
    // A spouse keeps her or his own surname; children mostly take the head's.
    const name = personName(rng, female, asOfYear - age - 1, relation === 'spouse' ? undefined : rng() < 0.92 ? family : undefined);
    const phone = age >= 14 && rng() < 0.93 ? phoneOf(rng) : null;
    const tags: string[] = [];
    if (size === 1 && age >= 65 && rng() < 0.6) tags.push('elderly_alone');
    if (rng() < 0.06) tags.push('disabled');
    if (rng() < (floating ? 0.01 : 0.025)) tags.push('low_income');
    if (female && age >= 22 && age <= 40 && rng() < 0.04) tags.push('pregnant');
    if (age >= 55 && rng() < 0.25) tags.push('chronic_illness');
    const personId = seededId(rng);
    persons += csvLine([
      personId, g.districtId, g.streetId, g.communityId, g.id, g.path, name, nameKey(name), 'resident_id',
      cipher.encrypt(id), cipher.blindIndex(id), maskIdNumber(id), cipher.encrypt(phone), phone ? cipher.blindIndex(phone) : null,
      maskPhone(phone), female ? 'female' : 'male', birth, `{${tags.join(',')}}`, ...extra,
    ]);
    residences += csvLine([seededId(rng), g.districtId, g.path, personId, householdId, b.id, relation, floating ? 'floating' : 'registered', age < 2 ? birth : movedIn]);
  }
  return { household: householdCsv, persons, residences, size, floating };
}
