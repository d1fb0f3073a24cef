// A seeded generator of planted attribution benchmarks: a datanet of many contributors (documents
// of words from a Zipf-like lexicon, some ending with boilerplate shared by many documents), and
// outputs made of known spans of known contributions between novel text (and, sometimes, a
// boilerplate line, too common to credit). Same seed, same data, on every machine.
import type { SpanDoc } from "./shard-build.js";
import { tokenize } from "./tokenizer.js";

/** mulberry32: a small seeded PRNG returning uint32s. */
export function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  /** An integer in [0, n). */
  return (n: number) => next() % n;
}

export interface PlantedOptions {
  seed: number;
  contributors: number;
  docsPerContributor: number;
  wordsPerDoc: number;
  lexicon?: number;
  /** Share of documents (percent) ending with one of the boilerplate lines. */
  boilerplatePercent?: number;
  /** First contribution id (ids are consecutive). */
  firstId?: bigint;
}

export interface PlantedDoc extends SpanDoc {
  text: string;
  contributor: number;
  words: string[];
}

export interface PlantedDatanet {
  docs: PlantedDoc[];
  lexicon: string[];
  boilerplate: string[];
  contributorOf: Map<bigint, number>;
}

const SYLLABLES =
  "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va ve vi za zo".split(
    " ",
  );

function makeLexicon(rnd: (n: number) => number, size: number): string[] {
  const seen = new Set<string>();
  while (seen.size < size) {
    let w = "";
    for (let k = 1 + rnd(4); k > 0; k--) w += SYLLABLES[rnd(SYLLABLES.length)];
    seen.add(w);
  }
  return [...seen];
}

/** A Zipf-like draw: index ⌊n·u²⌋ for u uniform, so low indices are frequent. */
function word(rnd: (n: number) => number, lexicon: string[]): string {
  const u = rnd(65536);
  const w = lexicon[Math.floor((u * u * lexicon.length) / 2 ** 32)]!;
  const mark = rnd(16);
  return mark === 0 ? `${w}.` : mark === 1 ? `${w},` : w;
}

export function words(rnd: (n: number) => number, lexicon: string[], n: number): string[] {
  return Array.from({ length: n }, () => word(rnd, lexicon));
}

export function plantedDatanet(o: PlantedOptions): PlantedDatanet {
  const rnd = prng(o.seed);
  const lexicon = makeLexicon(rnd, o.lexicon ?? 4000);
  const boilerplate = Array.from({ length: 4 }, () => ` ${words(rnd, lexicon, 14).join(" ")}`);
  const docs: PlantedDoc[] = [];
  const contributorOf = new Map<bigint, number>();
  let id = o.firstId ?? 1n;
  for (let c = 0; c < o.contributors; c++) {
    for (let k = 0; k < o.docsPerContributor; k++, id++) {
      const own = words(rnd, lexicon, o.wordsPerDoc);
      const footer = rnd(100) < (o.boilerplatePercent ?? 30) ? boilerplate[rnd(boilerplate.length)]! : "";
      docs.push({ contributionId: id, contributor: c, words: own, text: ` ${own.join(" ")}${footer}` });
      contributorOf.set(id, c);
    }
  }
  return { docs, lexicon, boilerplate, contributorOf };
}

export interface OutputOptions {
  seed: number;
  /** Planted spans per output, [min, max]. */
  spans: [number, number];
  /** Words per planted span and per novel segment, [min, max]. */
  spanWords: [number, number];
  novelWords: [number, number];
  /** Percent of outputs carrying a boilerplate line. */
  boilerplatePercent?: number;
  /** Percent of planted spans with one word in the middle replaced (a span of >= 2 × minEditWords). */
  editPercent?: number;
  minEditWords?: number;
}

export interface PlantedOutput {
  text: string;
  /** Tokens of each planted contributor's spans (each segment tokenized on its own). */
  planted: Map<number, number>;
}

const between = (rnd: (n: number) => number, [lo, hi]: [number, number]) => lo + rnd(hi - lo + 1);

export function plantedOutput(d: PlantedDatanet, o: OutputOptions, index: number): PlantedOutput {
  const rnd = prng((o.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const byContributor = new Map<number, PlantedDoc[]>();
  for (const doc of d.docs) {
    const list = byContributor.get(doc.contributor);
    if (list) list.push(doc);
    else byContributor.set(doc.contributor, [doc]);
  }
  const contributors = [...byContributor.keys()];
  const k = Math.min(between(rnd, o.spans), contributors.length);
  const chosen: number[] = [];
  while (chosen.length < k) {
    const c = contributors[rnd(contributors.length)]!;
    if (!chosen.includes(c)) chosen.push(c);
  }
  const novel = () => ` ${words(rnd, d.lexicon, between(rnd, o.novelWords)).join(" ")}`;
  const parts: string[] = [novel()];
  const planted = new Map<number, number>();
  const withBoilerplate = rnd(100) < (o.boilerplatePercent ?? 0) ? rnd(k) : -1;
  chosen.forEach((c, j) => {
    const docs = byContributor.get(c)!;
    const doc = docs[rnd(docs.length)]!;
    const len = Math.min(between(rnd, o.spanWords), doc.words.length);
    const start = rnd(doc.words.length - len + 1);
    const cut = o.minEditWords ?? 8;
    const pieces: string[][] = [doc.words.slice(start, start + len)];
    if (len >= 2 * cut + 1 && rnd(100) < (o.editPercent ?? 0)) {
      // Replace one word (keeping >= cut words each side) by a word the original does not have.
      const at = cut + rnd(len - 2 * cut);
      const whole = pieces.pop()!;
      let other = words(rnd, d.lexicon, 1)[0]!;
      while (other === whole[at]) other = words(rnd, d.lexicon, 1)[0]!;
      pieces.push(whole.slice(0, at), [other], whole.slice(at + 1));
    }
    pieces.forEach((piece, p) => {
      const text = ` ${piece.join(" ")}`;
      if (p !== 1) planted.set(c, (planted.get(c) ?? 0) + tokenize(text).length);
      parts.push(text);
    });
    parts.push(novel());
    if (j === withBoilerplate) parts.push(d.boilerplate[rnd(d.boilerplate.length)]!, novel());
  });
  return { text: parts.join(""), planted };
}
