/**
 * Join codes: eight characters, shown as two groups of four (`K7QM-4WXT`), from an alphabet
 * without look-alikes (no 0/O, 1/I/L, no U, so no accidental words): easy to read aloud and to
 * type. 30^8 ≈ 6.6e11 codes; with joins rate limited per address (client-limits.ts), guessing
 * one of a few live workshops takes years. Pure: randomness is passed in.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;

/** `randomBytes(n)` from node:crypto in production. */
export function newJoinCode(random: (count: number) => Uint8Array): string {
  const code: string[] = [];
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 30).
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (code.length < CODE_LENGTH) {
    for (const byte of random(CODE_LENGTH)) {
      if (byte < limit && code.length < CODE_LENGTH) code.push(CODE_ALPHABET[byte % CODE_ALPHABET.length]!);
    }
  }
  return code.join('');
}

/** `K7QMxxxx` -> `K7QM-xxxx`, as shown and read aloud. */
export const formatJoinCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

const LOOK_ALIKES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * What someone typed, as a stored code: case, spaces and dashes do not matter; a look-alike
 * letter becomes the digit it resembles, which then fails to match, as it would anyway.
 * Null when it cannot be a code at all.
 */
export function normalizeJoinCode(typed: string): string | null {
  const code = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (letter) => LOOK_ALIKES[letter]!);
  if (code.length !== CODE_LENGTH) return null;
  return [...code].every((character) => CODE_ALPHABET.includes(character)) ? code : null;
}
