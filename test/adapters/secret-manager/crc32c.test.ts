import { describe, expect, it } from "vitest";
import { crc32c } from "#adapters/secret-manager/crc32c.js";

describe("crc32c", () => {
  it.each([
    // RFC 3720 B.4 and the CRC catalogue's check value for CRC-32/ISCSI.
    ["the check string 123456789", Buffer.from("123456789"), 0xe3069283],
    ["32 zero bytes", Buffer.alloc(32, 0), 0x8a9136aa],
    ["32 bytes of 0xff", Buffer.alloc(32, 0xff), 0x62a8ab43],
    ["nothing", Buffer.alloc(0), 0],
  ])("gives the published value for %s", (_label, bytes, expected) => {
    expect(crc32c(bytes)).toBe(expected);
  });
});
