/**
 * A small seeded PRNG for the demo city. Math.random cannot be seeded, and the demo must come out the same for the
 * same seed on every machine, so we carry our own: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
 * seeded through cyrb128 from a string key. Not for anything secret.
 */

export type Rng = () => number;

/** cyrb128: four 32-bit words from a string, enough state to seed sfc32 without correlated streams. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32: uniform floats in [0, 1). */
export function sfc32(seedA: number, seedB: number, seedC: number, seedD: number): Rng {
  let a = seedA | 0;
  let b = seedB | 0;
  let c = seedC | 0;
  let d = seedD | 0;
  const next: Rng = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still echo the seed: discard them.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * An independent stream per (seed, key): each node's randomness depends on its own code only, so the order in
 * which nodes are generated cannot change what any one of them looks like.
 */
export function rngFor(seed: number, key: string): Rng {
  const [a, b, c, d] = cyrb128(`gridloop-demo:${seed}:${key}`);
  return sfc32(a, b, c, d);
}

/** A float in [min, max). */
export function between(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}
