/**
 * Which fields of the basic data are personal, declared once. Import (what to encrypt and index), the read and export
 * presenters (what to mask) and reveal (what to decrypt and audit) all read this table, so a new personal field is
 * added here and nowhere else.
 */
import { type DataCipher, maskIdNumber, maskPhone } from '../../../domain/crypto.ts';

/**
 * How a field is kept:
 * - `sealed`: encrypted (`<column>_enc`), found through a keyed-hash blind index (`<column>_index`), shown through a
 *   masked copy (`<column>_masked`) computed on write, so a list never decrypts;
 * - `coarse`: stored in clear (it is needed for statistics: ages, the age pyramid) but shown coarsened to roles that
 *   have not revealed it.
 */
export type Protection = 'sealed' | 'coarse';

export interface PersonalField {
  /** The JSON name in the API and the import's field key. */
  key: string;
  /** The SQL column stem: `id_number` → id_number_enc, id_number_index, id_number_masked. */
  column: string;
  protection: Protection;
  /** The masked form of the clear value. */
  mask: (clear: string | null) => string | null;
}

/** 1984-05-17 → 1984-**-**: the age group survives, the birthday does not. */
export function maskBirthDate(date: string | null): string | null {
  if (!date) return null;
  return `${date.slice(0, 4)}-**-**`;
}

export const PERSONAL_FIELDS = {
  person: [
    { key: 'idNumber', column: 'id_number', protection: 'sealed', mask: maskIdNumber },
    { key: 'phone', column: 'phone', protection: 'sealed', mask: maskPhone },
    { key: 'birthDate', column: 'birth_date', protection: 'coarse', mask: maskBirthDate },
  ],
  household: [{ key: 'phone', column: 'phone', protection: 'sealed', mask: maskPhone }],
  organisation: [{ key: 'contactPhone', column: 'contact_phone', protection: 'sealed', mask: maskPhone }],
} as const satisfies Record<string, readonly PersonalField[]>;

export type PersonalTable = keyof typeof PERSONAL_FIELDS;

/** The stored columns of one sealed value. */
export interface Sealed {
  enc: string | null;
  index: string | null;
  masked: string | null;
}

/**
 * Seals a normalised value (an upper-cased ID number, a digits-only phone). The blind index is over the normalised
 * form, so that 110101…x and 110101…X, or 138-1234-5678 and 13812345678, find each other.
 */
export function seal(cipher: DataCipher, field: PersonalField, normalised: string | null): Sealed {
  if (!normalised) return { enc: null, index: null, masked: null };
  return { enc: cipher.encrypt(normalised), index: cipher.blindIndex(normalised), masked: field.mask(normalised) };
}

export function personalField(table: PersonalTable, key: string): PersonalField {
  const f = (PERSONAL_FIELDS[table] as readonly PersonalField[]).find((x) => x.key === key);
  if (!f) throw new RangeError(`${table}.${key} is not declared personal`);
  return f;
}

/** The keys of a table's personal fields: what a reveal lists in its audit row, and what export masks. */
export function personalKeys(table: PersonalTable): string[] {
  return (PERSONAL_FIELDS[table] as readonly PersonalField[]).map((f) => f.key);
}

/**
 * A row as a reader sees it: each personal field replaced by its masked form, or (revealed) by its clear value.
 * `stored` holds, per key, the masked column and either the ciphertext (sealed) or the clear value (coarse).
 */
export function presentPersonal(
  table: PersonalTable,
  stored: Record<string, { masked?: string | null; enc?: string | null; clear?: string | null }>,
  reveal: { cipher: DataCipher } | null,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of PERSONAL_FIELDS[table] as readonly PersonalField[]) {
    const s = stored[f.key];
    if (!s) continue;
    if (f.protection === 'sealed') out[f.key] = reveal ? reveal.cipher.decrypt(s.enc ?? null) : (s.masked ?? null);
    else out[f.key] = reveal ? (s.clear ?? null) : f.mask(s.clear ?? null);
  }
  return out;
}
