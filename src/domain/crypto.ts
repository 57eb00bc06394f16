import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM with a key derived from GRIDLOOP_DATA_KEY, and a keyed hash (HMAC) as a blind
 * index so that exact search and deduplication work without decrypting. Keys are derived per purpose so that one
 * leaked derived key does not open the others.
 */
export class DataCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(dataKey: Buffer) {
    this.encKey = createHmac('sha256', dataKey).update('gridloop-encryption-v1').digest();
    this.indexKey = createHmac('sha256', dataKey).update('gridloop-blind-index-v1').digest();
  }

  /** `v1.<iv>.<tag>.<ciphertext>` in base64url; null stays null. */
  encrypt(plain: string | null | undefined): string | null {
    if (plain === null || plain === undefined || plain === '') return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string | null | undefined): string | null {
    if (!sealed) return null;
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a Gridloop ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The blind index of a normalised value (e.g. an ID number upper-cased, a phone with digits only). */
  blindIndex(normalised: string): string {
    return createHmac('sha256', this.indexKey).update(normalised).digest('base64url');
  }
}

/** `138****5678`: the first three and last four digits of a mobile number. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** `110101********1234`: region code and last four characters of an ID number. */
export function maskIdNumber(id: string | null): string | null {
  if (!id) return null;
  if (id.length <= 10) return `${id.slice(0, 2)}${'*'.repeat(Math.max(0, id.length - 2))}`;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** `张*` / `J*** S***`: the first character of each word. */
export function maskName(name: string | null): string | null {
  if (!name) return null;
  if (/^[\p{Script=Han}]+$/u.test(name)) return `${name.slice(0, 1)}${'*'.repeat(Math.max(1, name.length - 1))}`;
  return name
    .split(/\s+/)
    .map((w) => `${w.slice(0, 1)}***`)
    .join(' ');
}

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
}
