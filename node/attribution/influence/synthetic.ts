// Seeded generators: a 32-bit PRNG (also used for TRAK projections) and a synthetic labelled text
// corpus for tests and benchmarks. Integer arithmetic only, so every machine draws the same values.
import type { TrainingExample } from "./dataset.js";

/** mulberry32: a small seeded PRNG; `next()` returns a uint32. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n) (n ≤ 2^32; the tiny modulo bias does not matter here). */
  int(n: number): number {
    return this.next() % n;
  }
  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.int(den) < num;
  }
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "ta",
  "so",
  "vi",
  "de",
  "pa",
  "gu",
  "ber",
  "ix",
  "om",
  "sel",
  "tor",
];

function word(rng: Rng): string {
  const n = 2 + rng.int(2);
  let w = "";
  for (let i = 0; i < n; i++) w += SYLLABLES[rng.int(SYLLABLES.length)];
  return w;
}

export interface SyntheticOptions {
  seed: number;
  /** Training examples (ids 1..train). */
  train: number;
  /** Held-out texts with their true class. */
  test?: number;
  classes?: number;
  /** Topic words per class (default 12) and shared words (default 40). */
  topicWords?: number;
  sharedWords?: number;
  /** Percentage of training labels replaced by another class (default 10). */
  noisePercent?: number;
}

export interface SyntheticDataset {
  classes: string[];
  train: TrainingExample[];
  test: { text: string; label: string }[];
}

/**
 * Documents of 6-17 words: each word is one of its class's topic words (45%), another class's
 * (10%) or a shared word (45%). A share of training labels is flipped, so some examples hurt.
 */
export function syntheticDataset(o: SyntheticOptions): SyntheticDataset {
  const rng = new Rng(o.seed);
  const C = o.classes ?? 3;
  const classes = Array.from({ length: C }, (_, c) => `class-${String.fromCharCode(97 + (c % 26))}${c}`);
  const topics = classes.map(() => Array.from({ length: o.topicWords ?? 12 }, () => word(rng)));
  const shared = Array.from({ length: o.sharedWords ?? 40 }, () => word(rng));
  const doc = (c: number): string => {
    const len = 6 + rng.int(12);
    const words: string[] = [];
    for (let i = 0; i < len; i++) {
      const r = rng.int(100);
      let pool = shared;
      if (r < 45) pool = topics[c]!;
      else if (r < 55) pool = topics[(c + 1 + rng.int(C - 1)) % C]!;
      words.push(pool[rng.int(pool.length)]!);
    }
    return words.join(rng.chance(1, 4) ? ", " : " ");
  };
  const train: TrainingExample[] = [];
  for (let i = 0; i < o.train; i++) {
    const c = i % C;
    const text = doc(c);
    const noisy = rng.chance(o.noisePercent ?? 10, 100);
    const label = noisy ? (c + 1 + rng.int(C - 1)) % C : c;
    train.push({ contributionId: BigInt(i + 1), text, label: classes[label]! });
  }
  const test = Array.from({ length: o.test ?? 0 }, (_, i) => {
    const c = i % C;
    return { text: doc(c), label: classes[c]! };
  });
  return { classes, train, test };
}
