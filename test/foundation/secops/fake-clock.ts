import type { Clock } from "#kernel/ports.js";

/** A Clock the test moves by hand (shared by the foundation service tests). */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start = "2026-11-23T12:00:00.000Z") {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
