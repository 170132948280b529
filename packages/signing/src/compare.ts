import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for byte strings of possibly different length.
 *
 * crypto.timingSafeEqual throws on a length mismatch, and the length of a
 * header is attacker-controlled, so the guard turns that into a plain
 * `false`. Returning early on length leaks only the length, which for a
 * fixed-size digest is public anyway.
 */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
