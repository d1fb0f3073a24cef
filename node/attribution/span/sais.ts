// Suffix array by induced sorting (SA-IS, Nong, Zhang & Chan 2009), on typed arrays. A port of
// the AtCoder Library's sa_is: O(n) time, integer alphabet [0, upper]. Memory at the top level:
// the result (4n bytes) + L/S types (n) + the LMS map (4n) + three arrays of at most n/2 entries
// (6n) + the bucket arrays (8 × upper); the recursion works on at most half as many symbols.
// Suffixes compare lexicographically, a proper prefix sorting first (a virtual end sentinel).

export type SaProgress = (step: number, steps: number) => void;

const NAIVE_BELOW = 32;

function compareSuffixes(s: Int32Array, n: number, a: number, b: number): number {
  if (a === b) return 0;
  while (a < n && b < n) {
    const x = s[a]!;
    const y = s[b]!;
    if (x !== y) return x < y ? -1 : 1;
    a++;
    b++;
  }
  return a === n ? -1 : 1;
}

function saNaive(s: Int32Array, n: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => compareSuffixes(s, n, a, b));
  return Int32Array.from(order);
}

/** Suffix array of s (every value an integer in [0, upper]); n < 2^31. */
export function suffixArray(s: Uint32Array | Int32Array, upper: number, progress?: SaProgress): Int32Array {
  const n = s.length;
  if (n >= 0x7fffffff) throw new RangeError(`suffix array: ${n} symbols is over the 2^31 - 1 limit`);
  if (!Number.isInteger(upper) || upper < 0 || upper > 0x7ffffffe)
    throw new RangeError(`suffix array: bad alphabet bound ${upper}`);
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    if (v < 0 || v > upper)
      throw new RangeError(`suffix array: symbol ${v} at ${i} is outside [0, ${upper}]`);
  }
  // One element type all the way down keeps the hot loops monomorphic (values are < 2^31).
  const view = s instanceof Int32Array ? s : new Int32Array(s.buffer, s.byteOffset, n);
  return saIs(view, n, upper, progress);
}

function saIs(s: Int32Array, n: number, upper: number, progress?: SaProgress): Int32Array {
  if (n === 0) return new Int32Array(0);
  if (n < NAIVE_BELOW) return saNaive(s, n);
  const steps = 5;
  progress?.(0, steps);
  const sa = new Int32Array(n);
  // ls[i] = 1 when suffix i is S-type (smaller than suffix i + 1).
  const ls = new Uint8Array(n);
  for (let i = n - 2; i >= 0; i--) {
    const a = s[i]!;
    const b = s[i + 1]!;
    ls[i] = a === b ? ls[i + 1]! : a < b ? 1 : 0;
  }
  const sumL = new Int32Array(upper + 2);
  const sumS = new Int32Array(upper + 2);
  for (let i = 0; i < n; i++) {
    if (ls[i] === 0) sumS[s[i]!]!++;
    else sumL[s[i]! + 1]!++;
  }
  for (let i = 0; i <= upper; i++) {
    sumS[i]! += sumL[i]!;
    if (i < upper) sumL[i + 1]! += sumS[i]!;
  }
  const buf = new Int32Array(upper + 2);
  const induce = (lms: Int32Array, count: number): void => {
    sa.fill(-1);
    buf.set(sumS);
    for (let k = 0; k < count; k++) {
      const d = lms[k]!;
      sa[buf[s[d]!]!++] = d;
    }
    buf.set(sumL);
    sa[buf[s[n - 1]!]!++] = n - 1;
    for (let i = 0; i < n; i++) {
      const v = sa[i]!;
      if (v >= 1 && ls[v - 1] === 0) sa[buf[s[v - 1]!]!++] = v - 1;
    }
    buf.set(sumL);
    for (let i = n - 1; i >= 0; i--) {
      const v = sa[i]!;
      if (v >= 1 && ls[v - 1] === 1) sa[--buf[s[v - 1]! + 1]!] = v - 1;
    }
  };
  progress?.(1, steps);

  const lmsMap = new Int32Array(n + 1).fill(-1);
  let m = 0;
  for (let i = 1; i < n; i++) if (ls[i - 1] === 0 && ls[i] === 1) lmsMap[i] = m++;
  const lms = new Int32Array(m);
  for (let i = 1, k = 0; i < n; i++) if (ls[i - 1] === 0 && ls[i] === 1) lms[k++] = i;
  induce(lms, m);
  progress?.(2, steps);

  if (m > 0) {
    const sortedLms = new Int32Array(m);
    for (let i = 0, k = 0; i < n; i++) {
      const v = sa[i]!;
      if (lmsMap[v] !== -1) sortedLms[k++] = v;
    }
    // Name the LMS substrings: equal substrings get equal names.
    const recS = new Int32Array(m);
    let recUpper = 0;
    recS[lmsMap[sortedLms[0]!]!] = 0;
    for (let i = 1; i < m; i++) {
      let l = sortedLms[i - 1]!;
      let r = sortedLms[i]!;
      const endL = lmsMap[l]! + 1 < m ? lms[lmsMap[l]! + 1]! : n;
      const endR = lmsMap[r]! + 1 < m ? lms[lmsMap[r]! + 1]! : n;
      let same = true;
      if (endL - l !== endR - r) same = false;
      else {
        while (l < endL && s[l] === s[r]) {
          l++;
          r++;
        }
        if (l === n || s[l] !== s[r]) same = false;
      }
      if (!same) recUpper++;
      recS[lmsMap[sortedLms[i]!]!] = recUpper;
    }
    progress?.(3, steps);
    const recSa = saIs(recS, m, recUpper);
    for (let i = 0; i < m; i++) sortedLms[i] = lms[recSa[i]!]!;
    progress?.(4, steps);
    induce(sortedLms, m);
  }
  progress?.(steps, steps);
  return sa;
}
