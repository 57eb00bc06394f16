import { describe, expect, it } from 'vitest';
import { DataCipher, maskEmail, maskIdNumber, maskName, maskPhone } from './crypto.ts';

describe('DataCipher', () => {
  const c = new DataCipher(Buffer.from('a-test-key-of-at-least-thirty-two-chars'));

  it('round-trips text and never produces the same ciphertext twice', () => {
    const a = c.encrypt('13812345678')!;
    const b = c.encrypt('13812345678')!;
    expect(a).not.toBe(b);
    expect(a).not.toContain('13812345678');
    expect(c.decrypt(a)).toBe('13812345678');
  });

  it('refuses a tampered ciphertext', () => {
    const a = c.encrypt('secret')!;
    const parts = a.split('.');
    parts[3] = Buffer.from('SECRET').toString('base64url');
    expect(() => c.decrypt(parts.join('.'))).toThrow();
  });

  it('gives a stable blind index that differs per key', () => {
    const other = new DataCipher(Buffer.from('another-key-of-at-least-thirty-two-chars'));
    expect(c.blindIndex('110101199001011234')).toBe(c.blindIndex('110101199001011234'));
    expect(c.blindIndex('110101199001011234')).not.toBe(other.blindIndex('110101199001011234'));
  });

  it('keeps null as null', () => {
    expect(c.encrypt(null)).toBeNull();
    expect(c.decrypt(null)).toBeNull();
  });
});

describe('masking', () => {
  it('masks phones, ID numbers, names and emails as residents expect', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber('110101199001011234')).toBe('110101********1234');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskEmail('someone@example.org')).toBe('s***@example.org');
  });
});
