import { type ReplayServer, type SeenRequest, sendJson, startReplayServer } from "./http-server.js";

/**
 * Secret Manager v1 over REST, as the official Node client speaks it with `fallback: true`.
 * Built from Google's REST reference (cloud.google.com/secret-manager/docs/reference/rest/v1):
 *
 * | RPC | request | answer |
 * |---|---|---|
 * | projects.secrets.create | `POST /v1/projects/P/secrets?secretId=ID`, body a Secret (replication required) | the Secret; 409 ALREADY_EXISTS |
 * | projects.secrets.addVersion | `POST /v1/projects/P/secrets/ID:addVersion`, body `{payload: {data: base64, dataCrc32c: int64 string}}` | the SecretVersion; 400 INVALID_ARGUMENT on a checksum mismatch or a payload over 64 KiB |
 * | projects.secrets.versions.access | `GET /v1/projects/P/secrets/ID/versions/V:access` (V a number or `latest`, the newest version whatever its state) | `{name, payload: {data, dataCrc32c}}`; 404 NOT_FOUND; 400 FAILED_PRECONDITION "is in DISABLED state" |
 * | projects.secrets.versions.list | `GET /v1/projects/P/secrets/ID/versions?pageSize&pageToken` | `{versions (newest first), nextPageToken, totalSize}` |
 * | projects.secrets.versions.disable / destroy | `POST …/versions/V:disable`, `:destroy` | the SecretVersion |
 * | projects.secrets.delete | `DELETE /v1/projects/P/secrets/ID` | `{}` (Empty) |
 * | projects.secrets.list | `GET /v1/projects/P/secrets?filter=labels.K=V&pageSize&pageToken` | `{secrets (by name), nextPageToken, totalSize}` |
 *
 * Lists come in pages of two unless the request asks for a pageSize, so that paging is exercised.
 * Errors are Google's JSON error body, `{"error": {"code", "message", "status"}}`. Resource names
 * in answers carry the project number, as the service's do, whether the request named the project
 * by id or number. Enums are numbers when the request asks `$alt=json;enum-encoding=int` (the
 * client always does over REST), names otherwise. Every request must carry a bearer token.
 */

export type VersionState = "ENABLED" | "DISABLED" | "DESTROYED";

interface VersionRecord {
  n: number;
  createTime: string;
  state: VersionState;
  data: Buffer;
  crc: number;
  clientChecksum: boolean;
  destroyTime?: string;
}

interface SecretRecord {
  id: string;
  createTime: string;
  labels: Record<string, string>;
  replication: unknown;
  versions: VersionRecord[];
}

interface Project {
  number: string;
  secrets: Map<string, SecretRecord>;
}

/** One RPC as the server understood it, for assertions on what the client sent. */
export interface SecretManagerCall {
  rpc: string;
  project: string;
  secretId?: string;
  version?: string;
  status: number;
}

export interface SecretManagerServer extends ReplayServer {
  calls: SecretManagerCall[];
  /** The server's clock, which stamps createTime. */
  setNow(date: Date): void;
  /** Answers 403 PERMISSION_DENIED for every call on this secret id. */
  deny(secretId: string): void;
  /** The next `count` calls fail with this HTTP status (503 UNAVAILABLE, 429 RESOURCE_EXHAUSTED, 500 INTERNAL). */
  failNext(count: number, http: 429 | 500 | 503): void;
  /** The next `count` accesses answer with a wrong dataCrc32c (damage on the way). */
  corruptNextAccess(count: number): void;
  /** What an operator does in the console: disable, enable or destroy one version. */
  setVersionState(project: string, secretId: string, version: number, state: VersionState): void;
  /** A secret as the server holds it, or undefined. */
  secret(project: string, secretId: string): { labels: Record<string, string>; versions: { n: number; state: VersionState; value: string; createTime: string }[] } | undefined;
  /** Creates a secret directly, as another tool would (no labels unless given). */
  seed(project: string, secretId: string, values: string[], labels?: Record<string, string>): void;
}

const STATE_NUMBER: Record<VersionState, number> = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 };
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** CRC-32C computed bit by bit, independently of the adapter's table-driven one. */
function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** An answer: HTTP status and JSON body. */
interface Answer {
  http: number;
  body: unknown;
}

const ok = (body: unknown): Answer => ({ http: 200, body });
const googleError = (http: number, status: string, message: string): Answer => ({ http, body: { error: { code: http, message, status } } });

export async function startSecretManagerServer(opts: { now?: Date } = {}): Promise<SecretManagerServer> {
  let now = opts.now ?? new Date("2026-03-01T00:00:00Z");
  const projects = new Map<string, Project>();
  const denied = new Set<string>();
  const calls: SecretManagerCall[] = [];
  let failures: { count: number; http: number } = { count: 0, http: 503 };
  let corruptions = 0;
  let nextNumber = 100_001;

  function project(idOrNumber: string): Project {
    for (const p of projects.values()) if (p.number === idOrNumber) return p;
    let p = projects.get(idOrNumber);
    if (!p) {
      p = { number: String(nextNumber++), secrets: new Map() };
      projects.set(idOrNumber, p);
    }
    return p;
  }

  const secretName = (p: Project, id: string) => `projects/${p.number}/secrets/${id}`;
  const versionName = (p: Project, id: string, n: number) => `${secretName(p, id)}/versions/${n}`;
  const stamp = () => now.toISOString();

  function renderVersion(p: Project, s: SecretRecord, v: VersionRecord, numeric: boolean) {
    return {
      name: versionName(p, s.id, v.n),
      createTime: v.createTime,
      ...(v.destroyTime ? { destroyTime: v.destroyTime } : {}),
      state: numeric ? STATE_NUMBER[v.state] : v.state,
      replicationStatus: { automatic: {} },
      etag: `"${v.n.toString(16)}${v.state.length}"`,
      clientSpecifiedPayloadChecksum: v.clientChecksum,
    };
  }

  function renderSecret(p: Project, s: SecretRecord) {
    return { name: secretName(p, s.id), replication: s.replication, createTime: s.createTime, labels: s.labels, etag: `"${s.versions.length}"` };
  }

  function page<T>(items: T[], query: URLSearchParams): { items: T[]; next?: string } {
    // Without a pageSize, pages of two: a server may answer fewer than asked, and the client must follow nextPageToken.
    const size = Number(query.get("pageSize") ?? "0") || 2;
    const token = query.get("pageToken");
    const start = token ? Number(Buffer.from(token, "base64url").toString()) : 0;
    const slice = items.slice(start, start + size);
    const end = start + slice.length;
    return { items: slice, ...(end < items.length ? { next: Buffer.from(String(end)).toString("base64url") } : {}) };
  }

  /** projects.secrets.create */
  function createSecret(p: Project, req: SeenRequest, query: URLSearchParams): Answer {
    const id = query.get("secretId") ?? "";
    if (!SECRET_ID.test(id)) return googleError(400, "INVALID_ARGUMENT", "Secret ID must match [A-Za-z0-9_-]{1,255}.");
    const body = JSON.parse(req.body || "{}") as { replication?: { automatic?: unknown; userManaged?: unknown }; labels?: Record<string, string> };
    if (!body.replication || (!body.replication.automatic && !body.replication.userManaged)) {
      return googleError(400, "INVALID_ARGUMENT", "Secret.replication is required.");
    }
    const labels = body.labels ?? {};
    const bad = Object.entries(labels).find(([k, v]) => !LABEL_KEY.test(k) || !LABEL_VALUE.test(v));
    if (bad) return googleError(400, "INVALID_ARGUMENT", `Invalid label: ${bad[0]}`);
    if (p.secrets.has(id)) return googleError(409, "ALREADY_EXISTS", `Secret [${secretName(p, id)}] already exists.`);
    const created: SecretRecord = { id, createTime: stamp(), labels, replication: body.replication, versions: [] };
    p.secrets.set(id, created);
    return ok(renderSecret(p, created));
  }

  /** projects.secrets.list, with `labels.K=V` (or `:`) filters only. */
  function listSecrets(p: Project, query: URLSearchParams): Answer {
    const filter = query.get("filter") ?? "";
    const f = /^labels\.([a-z][a-z0-9_-]*)[=:]([a-z0-9_-]*)$/.exec(filter);
    if (filter && !f) return googleError(400, "INVALID_ARGUMENT", `Invalid filter: ${filter}`);
    const all = [...p.secrets.values()].filter((x) => !f || x.labels[f[1] as string] === f[2]).sort((a, b) => (a.id < b.id ? -1 : 1));
    const pg = page(all, query);
    return ok({ secrets: pg.items.map((x) => renderSecret(p, x)), ...(pg.next ? { nextPageToken: pg.next } : {}), totalSize: all.length });
  }

  /** projects.secrets.addVersion: checks the size and, when given, the CRC-32C. */
  function addVersion(p: Project, s: SecretRecord, req: SeenRequest, numeric: boolean): Answer {
    const body = JSON.parse(req.body || "{}") as { payload?: { data?: string; dataCrc32c?: string } };
    const data = Buffer.from(body.payload?.data ?? "", "base64");
    if (data.byteLength > 65_536) return googleError(400, "INVALID_ARGUMENT", "Secret Payload cannot exceed 65536 bytes.");
    const given = body.payload?.dataCrc32c;
    if (given !== undefined && Number(given) !== crc32c(data)) return googleError(400, "INVALID_ARGUMENT", "Checksum mismatch.");
    const v: VersionRecord = { n: s.versions.length + 1, createTime: stamp(), state: "ENABLED", data, crc: crc32c(data), clientChecksum: given !== undefined };
    s.versions.push(v);
    return ok(renderVersion(p, s, v, numeric));
  }

  /** projects.secrets.versions.list, newest first. */
  function listVersions(p: Project, s: SecretRecord, query: URLSearchParams, numeric: boolean): Answer {
    if (query.get("filter")) return googleError(400, "INVALID_ARGUMENT", "This replay serves unfiltered version lists only.");
    const newestFirst = [...s.versions].reverse();
    const pg = page(newestFirst, query);
    return ok({ versions: pg.items.map((v) => renderVersion(p, s, v, numeric)), ...(pg.next ? { nextPageToken: pg.next } : {}), totalSize: newestFirst.length });
  }

  /** projects.secrets.versions.{access,disable,enable,destroy,get}; `latest` is the newest version, whatever its state. */
  function onVersion(p: Project, s: SecretRecord, versionRef: string, verb: string | undefined, numeric: boolean): Answer {
    const v = versionRef === "latest" ? s.versions[s.versions.length - 1] : s.versions.find((x) => String(x.n) === versionRef);
    if (!v) {
      return versionRef === "latest"
        ? googleError(404, "NOT_FOUND", `Secret [${secretName(p, s.id)}] not found or has no versions.`)
        : googleError(404, "NOT_FOUND", `Secret Version [${secretName(p, s.id)}/versions/${versionRef}] not found.`);
    }
    if (verb === "access") {
      if (v.state !== "ENABLED") return googleError(400, "FAILED_PRECONDITION", `Secret Version [${versionName(p, s.id, v.n)}] is in ${v.state} state.`);
      let crc = v.crc;
      if (corruptions > 0) {
        corruptions -= 1;
        crc = (crc + 1) >>> 0;
      }
      return ok({ name: versionName(p, s.id, v.n), payload: { data: v.data.toString("base64"), dataCrc32c: String(crc) } });
    }
    if (verb === "disable" || verb === "enable" || verb === "destroy") {
      if (v.state === "DESTROYED") return googleError(400, "FAILED_PRECONDITION", `Secret Version [${versionName(p, s.id, v.n)}] is in DESTROYED state.`);
      v.state = verb === "disable" ? "DISABLED" : verb === "enable" ? "ENABLED" : "DESTROYED";
      if (v.state === "DESTROYED") {
        v.destroyTime = stamp();
        v.data = Buffer.alloc(0);
      }
    }
    return ok(renderVersion(p, s, v, numeric));
  }

  const ROUTE = /^\/v1\/projects\/([^/]+)\/secrets(?:\/([^/:]+)(?::(addVersion)|(\/versions)(?:\/([^/:]+)(?::(access|disable|enable|destroy))?)?)?)?$/;
  const VERBS: Record<string, string> = { access: "AccessSecretVersion", disable: "DisableSecretVersion", enable: "EnableSecretVersion", destroy: "DestroySecretVersion" };

  function route(req: SeenRequest, url: URL, call: SecretManagerCall): Answer {
    const m = ROUTE.exec(url.pathname);
    if (!m) return googleError(404, "NOT_FOUND", `Method not found: ${req.method} ${url.pathname}`);
    const [, projectRef, secretId, add, versions, versionRef, verb] = m;
    const p = project(decodeURIComponent(projectRef as string));
    const numeric = url.searchParams.get("$alt") === "json;enum-encoding=int";
    if (!secretId) {
      call.rpc = req.method === "POST" ? "CreateSecret" : "ListSecrets";
      return req.method === "POST" ? createSecret(p, req, url.searchParams) : listSecrets(p, url.searchParams);
    }
    call.secretId = secretId;
    if (versionRef) call.version = versionRef;
    call.rpc = add
      ? "AddSecretVersion"
      : versionRef
        ? (VERBS[verb ?? ""] ?? "GetSecretVersion")
        : versions
          ? "ListSecretVersions"
          : req.method === "DELETE"
            ? "DeleteSecret"
            : "GetSecret";
    const s = p.secrets.get(secretId);
    if (!s) return googleError(404, "NOT_FOUND", `Secret [${secretName(p, secretId)}] not found.`);
    if (add) return addVersion(p, s, req, numeric);
    if (versionRef) return onVersion(p, s, versionRef, verb, numeric);
    if (versions) return listVersions(p, s, url.searchParams, numeric);
    if (req.method === "DELETE") {
      p.secrets.delete(s.id);
      return ok({});
    }
    return ok(renderSecret(p, s));
  }

  /** Authentication, refusals and injected faults first, as the service's front end would. */
  function answer(req: SeenRequest, url: URL, call: SecretManagerCall): Answer {
    if (!/^Bearer \S+$/.test(String(req.headers.authorization ?? ""))) {
      return googleError(401, "UNAUTHENTICATED", "Request is missing required authentication credential.");
    }
    const secretId = /\/secrets\/([^/:?]+)/.exec(url.pathname)?.[1];
    if (secretId && denied.has(secretId)) {
      return googleError(403, "PERMISSION_DENIED", `Permission denied on resource '${url.pathname.slice(4)}' (or it may not exist).`);
    }
    if (failures.count > 0) {
      failures.count -= 1;
      if (failures.http === 429) return googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' of service 'secretmanager.googleapis.com'.");
      if (failures.http === 500) return googleError(500, "INTERNAL", "Internal error encountered.");
      return googleError(503, "UNAVAILABLE", "The service is currently unavailable.");
    }
    return route(req, url, call);
  }

  const server = await startReplayServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const call: SecretManagerCall = { rpc: "unknown", project: /^\/v1\/projects\/([^/]+)/.exec(url.pathname)?.[1] ?? "", status: 0 };
    calls.push(call);
    const { http, body } = answer(req, url, call);
    call.status = http;
    sendJson(res, http, body);
  });

  return {
    ...server,
    calls,
    setNow: (d) => {
      now = d;
    },
    deny: (id) => {
      denied.add(id);
    },
    failNext: (count, http) => {
      failures = { count, http };
    },
    corruptNextAccess: (count) => {
      corruptions = count;
    },
    setVersionState(projectRef, secretId, version, state) {
      const v = project(projectRef).secrets.get(secretId)?.versions.find((x) => x.n === version);
      if (!v) throw new Error(`no version ${version} of ${secretId}`);
      v.state = state;
    },
    secret(projectRef, secretId) {
      const s = project(projectRef).secrets.get(secretId);
      if (!s) return undefined;
      return { labels: s.labels, versions: s.versions.map((v) => ({ n: v.n, state: v.state, value: v.data.toString("utf8"), createTime: v.createTime })) };
    },
    seed(projectRef, secretId, values, labels = {}) {
      const s: SecretRecord = { id: secretId, createTime: stamp(), labels, replication: { automatic: {} }, versions: [] };
      for (const value of values) {
        const data = Buffer.from(value, "utf8");
        s.versions.push({ n: s.versions.length + 1, createTime: stamp(), state: "ENABLED", data, crc: crc32c(data), clientChecksum: false });
      }
      project(projectRef).secrets.set(secretId, s);
    },
  };
}
