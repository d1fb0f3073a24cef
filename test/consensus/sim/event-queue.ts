// A deterministic discrete-event queue: events run in (time, insertion order), so a run is a pure
// function of its seed.
interface Event {
  at: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private heap: Event[] = [];
  private seq = 0;
  now = 0;

  schedule(delayMs: number, run: () => void): void {
    this.push({ at: this.now + Math.max(0, delayMs), seq: this.seq++, run });
  }

  /** Runs the next event; false when none is left or the next is past `until`. */
  step(until: number): boolean {
    const top = this.heap[0];
    if (top === undefined || top.at > until) return false;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    this.now = top.at;
    top.run();
    return true;
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: Event, b: Event): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
