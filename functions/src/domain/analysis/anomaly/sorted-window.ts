/**
 * The valid values of a sliding day window [lo, hi) kept sorted, so the detector's daily median is
 * O(window) insert/remove work instead of a selection over the whole window. Values are read from
 * a per-day array (NaN = no value); invalidate() after that array's window values change.
 */
export class SortedWindow {
  private readonly sorted: Float64Array;
  size = 0;
  private lo = 0;
  private hi = 0;
  private indexSum = 0;
  private stale = true;

  constructor(capacity: number) {
    this.sorted = new Float64Array(capacity + 1);
  }

  reset(): void {
    this.size = 0;
    this.lo = 0;
    this.hi = 0;
    this.indexSum = 0;
    this.stale = true;
  }

  invalidate(): void {
    this.stale = true;
  }

  /** Moves the window to [lo, hi) over `values`. */
  slide(values: Float64Array, lo: number, hi: number): void {
    if (this.stale || lo < this.lo || lo >= this.hi || hi < this.hi) {
      this.size = 0;
      this.indexSum = 0;
      for (let s = lo; s < hi; s++) this.insert(values[s] as number, s);
      this.stale = false;
    } else {
      for (let s = this.lo; s < lo; s++) this.remove(values[s] as number, s);
      for (let s = this.hi; s < hi; s++) this.insert(values[s] as number, s);
    }
    this.lo = lo;
    this.hi = hi;
  }

  median(): number {
    const n = this.size;
    const s = this.sorted;
    return n % 2 === 1 ? (s[n >> 1] as number) : ((s[(n >> 1) - 1] as number) + (s[n >> 1] as number)) / 2;
  }

  /** Mean day index of the values in the window (the point the median describes). */
  meanIndex(): number {
    return this.indexSum / this.size;
  }

  private insert(v: number, index: number): void {
    if (Number.isNaN(v)) return;
    const s = this.sorted;
    let i = this.size - 1;
    while (i >= 0 && (s[i] as number) > v) {
      s[i + 1] = s[i] as number;
      i--;
    }
    s[i + 1] = v;
    this.size++;
    this.indexSum += index;
  }

  private remove(v: number, index: number): void {
    if (Number.isNaN(v)) return;
    const s = this.sorted;
    const n = this.size;
    let i = 0;
    while (i < n && s[i] !== v) i++;
    if (i === n) {
      this.stale = true; // cannot happen while values are unchanged; rebuild on next slide
      return;
    }
    for (; i < n - 1; i++) s[i] = s[i + 1] as number;
    this.size--;
    this.indexSum -= index;
  }
}
