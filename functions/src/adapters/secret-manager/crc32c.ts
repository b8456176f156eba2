/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Secret Manager keeps beside
 * each payload (`SecretPayload.data_crc32c`): sent with every new version so the service refuses a
 * payload damaged on the way, and checked on every read. Node's zlib has only the other CRC-32.
 *
 * @example
 *   crc32c(Buffer.from("123456789")); // 0xE3069283, the standard check value
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32C of `bytes`, as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = (TABLE[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
