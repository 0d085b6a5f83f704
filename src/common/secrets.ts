import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
// Cognito counts both as symbols; with them the alphabet is base64url's, so a secret survives any
// link as is (no '.' or '~', which linkifiers in mail clients drop from the end of a URL).
const SYMBOLS = '-_';
const ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS;

/** 6 bits per character: 32 characters carry 192 bits of entropy. */
export const SECRET_LENGTH = 32;

const drawOnce = (length: number): string =>
  Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

const hasEveryClass = (value: string): boolean =>
  [UPPER, LOWER, DIGITS, SYMBOLS].every((set) => [...value].some((char) => set.includes(char)));

/**
 * A cryptographically random secret that also satisfies any Cognito password policy up to
 * SECRET_LENGTH characters (upper, lower, digit and symbol each present). Draws again instead of
 * forcing characters into place, so every position stays uniformly random.
 */
export function generateSecret(length = SECRET_LENGTH): string {
  for (;;) {
    const candidate = drawOnce(length);
    if (hasEveryClass(candidate)) return candidate;
  }
}
