import { describe, expect, it } from "vitest";
import { createProgress } from "#cli/progress.js";

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  const write = (s: string) => {
    chunks.push(s);
    return true;
  };
  return { chunks, text: () => chunks.join(""), isTTY, write };
}

describe("progress on stderr", () => {
  it("shows the count alone while the total is unknown, never a ratio or 100%", () => {
    for (const tty of [true, false]) {
      const s = stream(tty);
      const p = createProgress({ stream: s, now: () => 0, plainEveryMs: 0 });
      p.tick("collect", 1);
      p.tick("collect", 2);
      expect(s.text()).toContain("collect 2…");
      expect(s.text()).not.toMatch(/\d+\/\d+|%/);
    }
  });

  it("writes plain lines without control characters when the stream is not a terminal", () => {
    const s = stream(false);
    let t = 0;
    const p = createProgress({ stream: s, now: () => t, plainEveryMs: 1000 });
    p.step("nightly");
    p.tick("collect", 1, 1200);
    t = 10; // too soon for another line
    p.tick("collect", 2, 1200);
    t = 2000;
    p.tick("collect", 600, 1200);
    p.tick("collect", 1200, 1200); // completion is always shown
    p.print("[alert P1 critical] tenant=a something");
    expect(s.text()).not.toContain("\r");
    expect(s.text()).not.toContain("\x1b");
    const lines = s.text().trimEnd().split("\n");
    expect(lines).toEqual(["▸ nightly", "  collect 1/1,200 (0.1%)", "  collect 600/1,200 (50.0%)", "  collect 1,200/1,200 (100.0%)", "[alert P1 critical] tenant=a something"]);
  });

  it("on a terminal, clears the live line before another line and draws it again below", () => {
    const s = stream(true);
    const p = createProgress({ stream: s });
    p.tick("collect", 3, 10);
    s.chunks.length = 0;
    p.print("[alert P2 high] tenant=a jump");
    expect(s.text()).toBe("\r\x1b[2K[alert P2 high] tenant=a jump\n  collect 3/10 (30.0%)");
    s.chunks.length = 0;
    p.tick("collect", 10, 10);
    p.info("after");
    // Once complete, the line is finished with a newline and not drawn again.
    expect(s.text()).toBe("\r\x1b[2K  collect 10/10 (100.0%)\n  after\n");
  });

  it("keeps console alerts when quiet, and drops everything else", () => {
    const s = stream(false);
    const p = createProgress({ stream: s, quiet: true });
    p.step("nightly");
    p.tick("collect", 1, 2);
    p.info("fan-out");
    p.print("[alert P1 critical] x");
    p.done("nightly");
    expect(s.text()).toBe("[alert P1 critical] x\n");
  });
});
