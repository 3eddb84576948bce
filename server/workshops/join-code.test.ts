import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, formatJoinCode, newJoinCode, normalizeJoinCode } from './join-code';

describe('join codes', () => {
  it('are eight characters of the alphabet without look-alikes', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = newJoinCode(randomBytes);
      expect(code).toHaveLength(CODE_LENGTH);
      expect([...code].every((character) => CODE_ALPHABET.includes(character))).toBe(true);
    }
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('skip bytes that would make some characters likelier', () => {
    // 255 is past the last whole multiple of the alphabet's size: it is never used.
    const bytes = [255, 0, 255, 1, 2, 3, 4, 5, 6, 7];
    const code = newJoinCode(() => Uint8Array.from(bytes.splice(0, CODE_LENGTH).concat(bytes.splice(0))));
    expect(code).toBe('23456789');
  });

  it('are shown in two groups and read back whatever the case, spaces and dashes', () => {
    expect(formatJoinCode('K7QM4WXT')).toBe('K7QM-4WXT');
    expect(normalizeJoinCode(' k7qm-4wxt ')).toBe('K7QM4WXT');
    expect(normalizeJoinCode('K7QM 4WXT')).toBe('K7QM4WXT');
  });

  it('refuse what cannot be a code', () => {
    expect(normalizeJoinCode('K7QM')).toBeNull();
    expect(normalizeJoinCode('K7QM-4WX0')).toBeNull();
    // O is read as 0, which no code holds.
    expect(normalizeJoinCode('K7QM-4WXO')).toBeNull();
    expect(normalizeJoinCode('K7QM-4WX!')).toBeNull();
  });

  it('are distinct in practice', () => {
    const codes = new Set(Array.from({ length: 5000 }, () => newJoinCode(randomBytes)));
    expect(codes.size).toBe(5000);
  });
});
