import { isIPv4, isIPv6 } from "node:net";

/**
 * What one source's failed sign-ins are counted under. An address is one subject however it is
 * spelled, and an IPv6 client is counted per /64: whoever holds one address of a /64 (a home line,
 * a phone, a cloud subnet) can usually use all 2^64 of them, so counting per address would let
 * them rotate to a fresh address for every guess. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, how a
 * dual-stack socket reports an IPv4 peer) counts as that IPv4 address. Anything that is not an IP
 * address (the socket's "unknown") is its own subject.
 *
 * @example
 *   lockoutSubject("2001:db8:1:2::1");      // "2001:db8:1:2::/64"
 *   lockoutSubject("2001:DB8:1:2:ffff::9"); // "2001:db8:1:2::/64"
 *   lockoutSubject("::ffff:203.0.113.9");   // "203.0.113.9"
 *   lockoutSubject("203.0.113.9");          // "203.0.113.9"
 */
export function lockoutSubject(source: string): string {
  const bare = source.trim().replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "").toLowerCase();
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return source;
  const h = hextets(bare);
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) {
    const [hi = 0, lo = 0] = h.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
  }
  return `${h
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an address `isIPv6` accepted (with `::` and a dotted IPv4 tail expanded). */
function hextets(addr: string): number[] {
  let text = addr;
  const tail: number[] = [];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[0].length);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const [left = "", right] = text.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const head = groups(left);
  const rest = right === undefined ? [] : groups(right);
  const zeros = right === undefined ? [] : new Array<number>(8 - head.length - rest.length - tail.length).fill(0);
  return [...head, ...zeros, ...rest, ...tail];
}
