import { describe, expect, it } from "vitest";
import { runBackfill } from "../../../support/replay/backfill.js";

/**
 * The smaller sibling of bench/providers/fault-backfill.ts: a 2-month backfill of GCP, AWS and
 * Azure through the deployed nightly (fan-out, collectAccount with the real SDK clients against
 * the replay servers, retries by the SDKs and then by the bus), with 30% of provider calls failing
 * transiently (seeded), must land exactly the ledger of the fault-free run.
 */
describe("backfill of three providers under 30% transient faults", () => {
  it("ends with the same ledger and totals as the fault-free run", async () => {
    // Prepare
    const common = { end: "2026-10-31", months: 2, seed: 11 };

    // Act
    const clean = await runBackfill({ ...common, faultRatePercent: 0 });
    const faulty = await runBackfill({ ...common, faultRatePercent: 30 });

    // Assess
    for (const p of ["gcp", "aws", "azure"] as const) {
      const a = clean.providers[p];
      const b = faulty.providers[p];
      expect(b.faultsInjected, `${p} saw faults`).toBeGreaterThan(0);
      expect(b.failedPages, `${p} pages given up`).toBe(0);
      expect(b.billedTotal, `${p} total`).toBe(a.billedTotal);
      expect(a.billedTotal, `${p} truth`).toBe(a.truthTotal);
      expect([...b.ledger], `${p} ledger`).toEqual([...a.ledger]);
      expect(b.records).toBe(a.records);
      expect(a.records, `${p} records`).toBeGreaterThan(0);
    }
  }, 60_000);
});
