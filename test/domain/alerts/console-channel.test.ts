import { describe, expect, it } from "vitest";
// The console adapter lives in adapters/local; its test sits with the alert tests it belongs to.
import { createConsoleChannel } from "#adapters/local/console-channel.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { captureLog, fixedClock, opened, otherEvents, resolved } from "./fixtures.js";

describe("console alert channel (npm run nightly)", () => {
  it("prints one readable line per alert through the dispatcher's default channel", async () => {
    // Prepare
    const lines: string[] = [];
    const dispatcher = createAlertDispatcher({
      store: new MemoryDocumentStore(),
      secrets: new MemorySecretStore(),
      clock: fixedClock("2026-11-20T06:00:00Z"),
      log: captureLog(),
      channels: { console: createConsoleChannel((l) => lines.push(l)) },
      defaultChannels: [{ id: "console", kind: "console" }],
    });
    // Act
    const report = await dispatcher.dispatch([opened(), opened(), ...otherEvents(), resolved()]);
    // Assess
    expect(report.byChannel.console).toMatchObject({ sent: 7, skippedDuplicate: 1 });
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      `[alert P2 high] tenant=acme Cost anomaly +$1,840.25 on aws / 123456789012 / AmazonEC2 / us-east-1 (2026-11-19) | impact $1,840.25 | aws / 123456789012 / AmazonEC2 / us-east-1 | https://costs.example.com/t/acme/anomalies/an-1 | id=${opened().id}`,
    );
    expect(lines[6]).toMatch(/^\[alert resolve\] tenant=acme Resolved: cost anomaly/);
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });
});
