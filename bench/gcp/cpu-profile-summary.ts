import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

/**
 * Where a cold start's CPU time went, from the profiles `bench/gcp/cold-start.ts --cpu-prof DIR`
 * wrote (V8's .cpuprofile format, as `node --cpu-prof` writes it):
 *   npx tsx bench/gcp/cpu-profile-summary.ts DIR
 *
 * Each sample goes to the nearest frame on its stack that belongs to a package (or to the bundle):
 * loading a module counts for the package whose code was running or being loaded. Packages are
 * then put in groups: the functions framework and Express (what the bare handler loads too), the
 * Firestore client, the BigQuery client, Google auth, the bundle's own code, Node's own
 * start (no package on the stack: bootstrap, the ESM loader), V8's garbage collector, and idle
 * (the process waited: network round trips to the emulator, the replay server, the metadata server).
 * Prints one JSON object per profile, milliseconds per group and the ten costliest packages.
 */
const Profile = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: z.object({ functionName: z.string(), url: z.string() }), children: z.array(z.number()).optional() })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});

const FRAMEWORK =
  /^(@google-cloud\/functions-framework|express|body-parser|router|path-to-regexp|qs|mime-types|mime-db|send|finalhandler|on-finished|debug|iconv-lite|raw-body|minimist|semver|cloudevents|content-type|type-is|accepts|negotiator|depd|http-errors|statuses|ajv|read-pkg-up|safe-buffer|cookie|etag|fresh|range-parser|encodeurl|escape-html|parseurl|vary|side-channel.*|object-inspect|function-bind|has-symbols|hasown|call-bind.*|call-bound|es-errors|gopd|es-define-property|get-intrinsic|get-proto|dunder-proto|es-object-atoms|math-intrinsics|once|wrappy|ee-first|unpipe|forwarded|ipaddr\.js|proxy-addr|content-disposition|bytes|media-typer|ms|lodash)$/;
const FIRESTORE =
  /^(firebase-admin|@google-cloud\/firestore|google-gax|@grpc\/.*|protobufjs|@protobufjs\/.*|long|proto3-json-serializer|@opentelemetry\/.*|functional-red-black-tree|@js-sdsl\/.*|object-hash|fast-deep-equal|jsonwebtoken|jwks-rsa|node-forge|@fastify\/.*|lru-memoizer)$/;
const BIGQUERY =
  /^(@google-cloud\/bigquery|@google-cloud\/common|@google-cloud\/promisify|@google-cloud\/paginator|@google-cloud\/precise-date|@google-cloud\/projectify|teeny-request|html-entities|extend|big\.js|arrify|duplexify|stream-events|stream-shift|retry-request|is-stream|uuid)$/;
const AUTH =
  /^(google-auth-library|gaxios|gcp-metadata|google-logging-utils|jws|jwa|json-bigint|bignumber\.js|node-fetch|whatwg-url|tr46|webidl-conversions|agent-base|https-proxy-agent|abort-controller|event-target-shim|ecdsa-sig-formatter|buffer-equal-constant-time|base64-js|yallist|lru-cache)$/;

function packageOf(url: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  return /\.mjs$/.test(url) && url.startsWith("file://") ? "bundle" : undefined;
}

function groupOf(pkg: string): string {
  if (pkg === "bundle") return "bundle's own code (src, zod, yaml, ...)";
  if (FRAMEWORK.test(pkg)) return "functions-framework and Express";
  if (FIRESTORE.test(pkg)) return "Firestore client (firebase-admin, google-gax, gRPC, protobuf)";
  if (BIGQUERY.test(pkg)) return "BigQuery client (@google-cloud/bigquery, common, teeny-request)";
  if (AUTH.test(pkg)) return "Google auth (google-auth-library, gaxios, gcp-metadata), shared by both";
  return "other packages";
}

function summarize(file: string) {
  const p = Profile.parse(JSON.parse(readFileSync(file, "utf8")));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known) return known;
    const n = byId.get(id);
    const name = n?.callFrame.functionName ?? "";
    let result: string;
    if (name === "(idle)" || name === "(garbage collector)" || name === "(program)") result = name;
    else {
      const pkg = packageOf(n?.callFrame.url ?? "");
      const up = parent.get(id);
      result = pkg ?? (up === undefined ? "(node start, no package on the stack)" : ownerOf(up));
      if (result === "(root)") result = "(node start, no package on the stack)";
    }
    owner.set(id, result);
    return result;
  };
  const groups = new Map<string, number>();
  const packages = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const o = ownerOf(id);
    const g = o.startsWith("(") ? o : groupOf(o);
    groups.set(g, (groups.get(g) ?? 0) + ms);
    if (!o.startsWith("(")) packages.set(o, (packages.get(o) ?? 0) + ms);
  });
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, r1(v)]));
  return {
    profile: file,
    spanMs: r1((p.endTime - p.startTime) / 1000),
    msByGroup: sorted(groups),
    topPackagesMs: Object.fromEntries(Object.entries(sorted(packages)).slice(0, 10)),
  };
}

const dir = resolve(process.argv[2] ?? "");
const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".cpuprofile"));
for (const f of files) console.log(JSON.stringify(summarize(join(dir, f)), null, 2));
