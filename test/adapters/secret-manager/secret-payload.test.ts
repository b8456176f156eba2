import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload } from "#adapters/secret-manager/secret-payload.js";

describe("secret payloads", () => {
  it("round-trips text exactly, BOM and all, with the checksum as the client sends it", () => {
    const value = "\uFEFF  päss wörd ✓\n";
    const payload = encodePayload(value);
    expect(decodePayload("s", payload)).toBe(value);
    expect(decodePayload("s", { data: payload.data.toString("base64"), dataCrc32c: String(payload.dataCrc32c) })).toBe(value);
  });

  it.each([
    ["no payload at all", undefined, { code: "internal", retryable: true }],
    ["a checksum that does not match", { data: Buffer.from("abc"), dataCrc32c: "1" }, { code: "internal", retryable: true }],
    ["bytes that are not UTF-8", { data: Buffer.from([0xc3, 0x28]) }, { code: "failed-precondition", retryable: false }],
  ])("refuses %s, naming the secret only", (_label, payload, expected) => {
    let err: unknown;
    try {
      decodePayload("cloud-creds/t1/a1", payload);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject(expected);
    expect((err as Error).message).toMatch(/^secret cloud-creds\/t1\/a1/);
  });

  it("refuses a value over 64 KiB before anything is sent", () => {
    expect(() => encodePayload("é".repeat(32_769))).toThrow(/exceeds 64 KiB/);
    expect(encodePayload("x".repeat(65_536)).data.byteLength).toBe(65_536);
  });
});
