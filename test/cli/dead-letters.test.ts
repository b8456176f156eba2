import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadLettersResult } from "#cli/commands/dead-letters.js";
import { type AuditRecord, tenantStream } from "#foundation/secops/audit-log.js";
import { paths } from "#kernel/document-paths.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../functions/src/local-subscriptions.js";
import { runCostmon } from "../support/run-costmon.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * `costmon dead-letters list|replay` on a data folder where the nightly's functions dead-lettered two
 * poison messages: machine output on stdout, exit code 1 when a replayed message failed again.
 */
describe("costmon dead-letters", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "dead-letters-cli-"));
  type List = Extract<DeadLettersResult, { action: "list" }>;
  type Replay = Extract<DeadLettersResult, { action: "replay" }>;
  const list = async (...args: string[]): Promise<List> => {
    const r = await runCostmon("dead-letters", "list", "--json", "--quiet", "--data-dir", dataDir, ...args);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as List;
  };

  beforeAll(async () => {
    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir: join(repoRoot, "config"), logSink: () => {}, consoleWrite: () => {} });
    try {
      const deps = await getDeps();
      await subscribeEventFunctions(deps.bus);
      await deps.bus.publish("nightly-collect", { runDate: "2026-11-20", surprise: true });
      await deps.bus.publish("collect-account", {
        tenantId: "ghost",
        accountId: "g1",
        provider: "aws",
        runDate: "2026-11-20",
        page: { start: "2026-11-17", end: "2026-11-19" },
      });
      await deps.bus.drain();
    } finally {
      await closeDeps();
    }
  }, 60_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("lists the dead letters as JSON on stdout, with their reasons", async () => {
    const out = await list();
    expect(out.action).toBe("list");
    expect(out.deadLetters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ topic: "nightly-collect", tenantId: null, status: "dead-lettered", reason: expect.stringMatching(/^invalid input: Unrecognized key/) }),
        expect.objectContaining({ topic: "collect-account", tenantId: "ghost", status: "dead-lettered", reason: "cloud account ghost/g1 does not exist" }),
      ]),
    );
    expect(out.deadLetters).toHaveLength(2);
    expect((await list("--tenant", "ghost")).deadLetters.map((d) => d.topic)).toEqual(["collect-account"]);
    expect((await list("--topic", "alerts")).deadLetters).toEqual([]);
  });

  it("replays a tenant's dead letters and exits 1 when the replayed message fails again", async () => {
    const [original] = (await list("--tenant", "ghost")).deadLetters;
    const r = await runCostmon("dead-letters", "replay", "--tenant", "ghost", "--json", "--quiet", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Replay;
    expect(out.action).toBe("replay");
    expect(out.replay.replayed).toEqual([expect.objectContaining({ id: original?.id, topic: "collect-account", tenantId: "ghost" })]);
    expect(out.replay.failed).toEqual([]);
    expect(out.replay.failedAgain).toEqual([
      expect.objectContaining({ messageId: out.replay.replayed[0]?.replayMessageId, replayOf: original?.messageId, replays: 1, status: "dead-lettered" }),
    ]);
    // The nightly-collect dead letter was not asked for.
    const after = await list();
    expect(after.deadLetters.filter((d) => d.topic === "nightly-collect").map((d) => d.status)).toEqual(["dead-lettered"]);
    expect(after.deadLetters.find((d) => d.id === original?.id)).toMatchObject({ status: "replayed", replayMessageId: out.replay.replayed[0]?.replayMessageId });
    // The replay is audited in the tenant's stream of the data folder, naming who ran it.
    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir: join(repoRoot, "config"), logSink: () => {} });
    try {
      const page = await (await getDeps()).documents.list(paths.auditRecords(tenantStream("ghost")), { limit: 100 });
      expect(page.docs.map((d) => d.data as unknown as AuditRecord).filter((a) => a.action === "selfops:replay-dead-letter:collect-account")).toEqual([
        expect.objectContaining({ actor: expect.stringMatching(/^cli:/), outcome: "success", details: expect.objectContaining({ messageId: original?.messageId }) }),
      ]);
    } finally {
      await closeDeps();
    }
  });

  it("exits 0 when there is nothing to replay", async () => {
    const r = await runCostmon("dead-letters", "replay", "--topic", "alerts", "--json", "--quiet", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ action: "replay", replay: { replayed: [], failed: [], skipped: 0, failedAgain: [] } });
  });

  it("exits 2 on an unknown action or runtime, printing nothing on stdout", async () => {
    for (const args of [["purge"], ["list", "--runtime", "cloud"]]) {
      const r = await runCostmon("dead-letters", ...args, "--data-dir", dataDir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
  });
});
