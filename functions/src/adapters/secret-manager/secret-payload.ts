import { AppError } from "#kernel/errors.js";
import { crc32c } from "./crc32c.js";

/**
 * Secret values as Secret Manager payloads: UTF-8 bytes with their CRC-32C. A value is checked
 * before it is sent (64 KiB, the service's limit and the local stores' too) and its checksum after
 * it is read. Messages name the secret, never the value.
 *
 * @example
 *   const payload = encodePayload("cloud-creds/t1/a1", '{"roleArn":"..."}'); // { data, dataCrc32c }
 *   decodePayload("cloud-creds/t1/a1", payload); // the same text
 */

export const MAX_PAYLOAD_BYTES = 65_536;

export interface Payload {
  data?: Uint8Array | string | null;
  /** int64 over the wire: a number, a decimal string or a Long. */
  dataCrc32c?: number | string | { toString(): string } | null;
}

export function encodePayload(value: string): { data: Buffer; dataCrc32c: number } {
  if (typeof value !== "string") throw new AppError("invalid-argument", "secret value must be a string");
  const data = Buffer.from(value, "utf8");
  if (data.byteLength > MAX_PAYLOAD_BYTES) throw new AppError("invalid-argument", "secret value exceeds 64 KiB");
  return { data, dataCrc32c: crc32c(data) };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The payload as text: a damaged one is `internal` and retryable, one that is not UTF-8 is refused. */
export function decodePayload(name: string, payload: Payload | null | undefined): string {
  if (!payload) throw new AppError("internal", `secret ${name}: Secret Manager answered without a payload`, { retryable: true });
  const bytes = typeof payload.data === "string" ? Buffer.from(payload.data, "base64") : (payload.data ?? new Uint8Array());
  const expected = payload.dataCrc32c;
  if (expected !== null && expected !== undefined && String(expected) !== "" && Number(String(expected)) !== crc32c(bytes)) {
    throw new AppError("internal", `secret ${name}: the payload does not match its CRC-32C checksum`, { retryable: true });
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new AppError("failed-precondition", `secret ${name} does not hold UTF-8 text`, { retryable: false });
  }
}
