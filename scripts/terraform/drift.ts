import { readFileSync } from "node:fs";
import { join } from "node:path";
import { restSchema } from "../../functions/src/adapters/bigquery/table-ddl.js";
import { DATASETS, HISTORY_TABLES } from "../../functions/src/adapters/bigquery/table-schemas.js";
import { toSecretId } from "../../functions/src/adapters/secret-manager/secret-id.js";
import { type CodeFacts, codeFacts, envName, type FunctionFacts, needsOf, OPS_CONFIG_SECRETS, TENANT_SECRET_KINDS } from "./code-facts.js";
import { deepEqual, isObject, Unknown, type Value } from "./hcl-eval.js";
import type { Plan, ResourceInstance } from "./tf-plan.js";
import { type Finding, finding } from "./tf-module.js";

/**
 * Check (d): what an environment would deploy against what the code says (code-facts.ts). It
 * works on the evaluated plan, following unknown values (an account's e-mail, a service's URL) to
 * the resource they come from:
 *
 * - functions: each function of entry-points.ts has exactly one Cloud Run service (FUNCTION_TARGET)
 *   and each service serves one of them; no service overrides the image's start command;
 * - triggers: callables and HTTP functions are public; each Pub/Sub function has exactly one push
 *   subscription on its topic (OIDC token of an identity that alone may invoke it, the audience
 *   it checks, dead-lettering to the twin after the configured attempts); each scheduled function
 *   one job with its schedule and time zone; a topic only Cloud Scheduler can start gets `{}`;
 * - env: every variable a function needs (code-facts.ts `needsOf`) is set;
 * - secrets: each function is granted exactly the secrets its code reads, writes or deletes, and
 *   no other identity holds a secret grant;
 * - topics: every topic the code uses exists with its dead-letter twin, and each function may
 *   publish to exactly the topics it publishes to;
 * - BigQuery: each table equals table-schemas.ts (schema, partitioning, clustering) and data
 *   access follows each function's reads and writes;
 * - Firestore: the indexes and rules are those of firestore.indexes.json and firestore.rules.
 */

export interface DriftContext {
  /** The checked tree (absolute). */
  dir: string;
  /** The repository root (code, config, firestore files). */
  repo: string;
  /** The file of the function catalog (`locals { functions = ... }`), where per-function needs are declared. */
  catalogFile?: string;
}

interface Ref {
  addr: string;
  attr: string;
}

/** `a.b["k.x"].attr` → address `a.b["k.x"]`, attribute `attr`. */
function parseRef(ref: string): Ref | null {
  let depth = 0;
  let inStr = false;
  for (let i = ref.length - 1; i >= 0; i--) {
    const c = ref[i];
    if (c === '"' && ref[i - 1] !== "\\") inStr = !inStr;
    if (inStr) continue;
    if (c === "]") depth++;
    if (c === "[") depth--;
    if (c === "." && depth === 0) return { addr: ref.slice(0, i), attr: ref.slice(i + 1) };
  }
  return null;
}

function refsOf(v: Value): Ref[] {
  if (!(v instanceof Unknown)) return [];
  return v.refs.map(parseRef).filter((r): r is Ref => r !== null);
}

const first = (v: Value): Record<string, Value> | undefined => (Array.isArray(v) && isObject(v[0]) ? (v[0] as Record<string, Value>) : undefined);
const str = (v: Value): string | undefined => (typeof v === "string" ? v : undefined);
const show = (v: Value): string => (v instanceof Unknown ? `(known after apply: ${v.refs.join(", ") || "?"})` : JSON.stringify(v));

interface ServiceInfo {
  inst: ResourceInstance;
  target: string;
  name: string;
  env: Map<string, { value?: Value; secret?: Value }>;
  /** Address of the runtime service account resource instance. */
  saAddr?: string;
}

export async function driftFindings(plan: Plan, rootRel: string, ctx: DriftContext, factsIn?: CodeFacts): Promise<Finding[]> {
  const facts = factsIn ?? (await codeFacts());
  const out: Finding[] = [];
  const say = (file: string, msg: string) => out.push(finding("drift", file, `${rootRel}: ${msg}`));
  for (const p of facts.problems) out.push(finding("drift", "functions/src", p));

  const managed = plan.instances.filter((i) => i.mode === "managed");
  const byAddr = new Map(managed.map((i) => [i.addr, i]));
  const ofType = (t: string) => managed.filter((i) => i.type === t);
  const refInst = (v: Value, type?: string): ResourceInstance[] =>
    refsOf(v)
      .map((r) => byAddr.get(r.addr))
      .filter((i): i is ResourceInstance => i !== undefined && (type === undefined || i.type === type));
  const catalogFile = ctx.catalogFile ?? managed.find((i) => i.type === "google_cloud_run_v2_service")?.file ?? "terraform";

  /* ---------------------------------------------------------------- functions and services */
  const services: ServiceInfo[] = [];
  for (const inst of ofType("google_cloud_run_v2_service")) {
    const tpl = first(inst.config.template);
    const containers = (tpl?.containers as Value[] | undefined) ?? [];
    const c = first(containers);
    const env = new Map<string, { value?: Value; secret?: Value }>();
    for (const e of (c?.env as Value[] | undefined) ?? []) {
      if (!isObject(e)) continue;
      const name = str(e.name);
      if (!name) continue;
      const ref = first(first(e.value_source)?.secret_key_ref);
      env.set(name, ref ? { secret: ref.secret } : { value: e.value });
    }
    const target = str(env.get("FUNCTION_TARGET")?.value);
    if (!target) {
      say(inst.file, `${inst.addr} sets no FUNCTION_TARGET: it serves no function`);
      continue;
    }
    if (containers.length !== 1) say(inst.file, `${inst.addr} (${target}) must run exactly one container`);
    if (c && (c.command !== undefined || c.args !== undefined)) {
      say(inst.file, `${inst.addr} (${target}) overrides the container's command or args: the image must start \`node server.mjs\` (the request-body guard)`);
    }
    const saAddr = refInst(tpl?.service_account, "google_service_account")[0]?.addr;
    services.push({ inst, target, name: str(inst.config.name) ?? inst.addr, env, ...(saAddr ? { saAddr } : {}) });
  }
  const fnByName = new Map(facts.functions.map((f) => [f.name, f]));
  const svcByTarget = new Map<string, ServiceInfo[]>();
  for (const s of services) svcByTarget.set(s.target, [...(svcByTarget.get(s.target) ?? []), s]);
  for (const f of facts.functions) {
    const list = svcByTarget.get(f.name) ?? [];
    if (list.length === 0) say(catalogFile, `function ${f.name} (${f.module}) has no Cloud Run service (FUNCTION_TARGET=${f.name})`);
    if (list.length > 1) say(catalogFile, `function ${f.name} has ${list.length} services: ${list.map((s) => s.inst.addr).join(", ")}`);
  }
  for (const [target, list] of svcByTarget) {
    if (!fnByName.has(target)) say(list[0]?.inst.file ?? catalogFile, `service ${list[0]?.inst.addr} serves ${target}, which entry-points.ts does not export`);
  }
  const svcOf = (name: string) => svcByTarget.get(name)?.[0];
  const fnOfSa = new Map<string, string>();
  for (const s of services) if (s.saAddr) fnOfSa.set(s.saAddr, s.target);
  for (const s of services) {
    if (!s.saAddr) say(s.inst.file, `${s.inst.addr} (${s.target}) does not run as a service account of this configuration`);
  }
  const saCount = new Map<string, number>();
  for (const s of services) if (s.saAddr) saCount.set(s.saAddr, (saCount.get(s.saAddr) ?? 0) + 1);
  for (const [sa, n] of saCount) if (n > 1) say(catalogFile, `${n} functions share the service account ${sa}: each function needs its own`);

  const prefixes = new Set(services.map((s) => str(s.env.get("COSTMON_PUBSUB_TOPIC_PREFIX")?.value) ?? ""));
  if (prefixes.size > 1) say(catalogFile, `functions disagree on COSTMON_PUBSUB_TOPIC_PREFIX: ${[...prefixes].join(", ")}`);
  const prefix = [...prefixes][0] ?? "";

  /* ---------------------------------------------------------------- invokers */
  const invokers = ofType("google_cloud_run_v2_service_iam_member").filter((i) => i.config.role === "roles/run.invoker");
  const invokersOf = (s: ServiceInfo) => invokers.filter((i) => i.config.name === s.name);
  for (const i of ofType("google_cloud_run_v2_service_iam_binding")) say(i.file, `${i.addr}: use iam_member grants (the drift check reads those)`);
  // Which resource address a member string like "serviceAccount:${email}" points at.
  const memberSa = (m: Value): string | undefined => refInst(m, "google_service_account")[0]?.addr;

  /* ---------------------------------------------------------------- topics */
  const topics = ofType("google_pubsub_topic");
  const topicByName = new Map(topics.map((t) => [str(t.config.name) ?? "", t]));
  const topicNameOf = (v: Value): string | undefined => {
    if (typeof v === "string") return v.replace(/^projects\/[^/]+\/topics\//, "");
    const t = refInst(v, "google_pubsub_topic")[0];
    return t ? str(t.config.name) : undefined;
  };
  const unprefix = (name: string | undefined) => (name?.startsWith(prefix) ? name.slice(prefix.length) : name);
  for (const t of facts.topics) {
    if (!topicByName.has(`${prefix}${t}`)) {
      const why = t.endsWith(".dead-letter") ? `the dead-letter twin of ${t.slice(0, -".dead-letter".length)}` : "a topic the code uses";
      say(catalogFile, `topic ${prefix}${t} (${why}) is not created`);
    }
  }

  /* ---------------------------------------------------------------- triggers */
  const subs = ofType("google_pubsub_subscription");
  const pushSubs = subs.filter((s) => first(s.config.push_config));
  const jobs = ofType("google_cloud_scheduler_job");
  const pointsAt = (v: Value, s: ServiceInfo) => refsOf(v).some((r) => r.addr === s.inst.addr && (r.attr === "uri" || r.attr === "urls"));

  for (const f of facts.functions) {
    const s = svcOf(f.name);
    if (!s) continue;
    const mySubs = pushSubs.filter((p) => pointsAt(first(p.config.push_config)?.push_endpoint, s));
    const myJobs = jobs.filter((j) => pointsAt(first(j.config.http_target)?.uri, s));
    const members = invokersOf(s).map((i) => i.config.member);
    const isPublic = members.includes("allUsers");
    if (f.trigger === "callable" || f.trigger === "http") {
      if (!isPublic) say(s.inst.file, `${f.name} is ${f.trigger === "callable" ? "a callable" : "an HTTP function"}: its service needs roles/run.invoker for allUsers (it authenticates callers itself)`);
      if (mySubs.length > 0) say(mySubs[0]?.file ?? s.inst.file, `${f.name} is triggered over HTTPS, but ${mySubs.map((x) => x.addr).join(", ")} pushes to it`);
      if (myJobs.length > 0) say(myJobs[0]?.file ?? s.inst.file, `${f.name} is triggered over HTTPS, but ${myJobs.map((x) => x.addr).join(", ")} calls it`);
      continue;
    }
    if (isPublic) say(s.inst.file, `${f.name} is a ${f.trigger} function: its service must not be public (allUsers)`);
    const audience = str(s.env.get("COSTMON_AUTH_OIDC_AUDIENCE")?.value);
    const allowed = s.env.get("COSTMON_AUTH_OIDC_SERVICE_ACCOUNTS")?.value;
    const allowedSas = new Set(refInst(allowed, "google_service_account").map((i) => i.addr));
    const customAudiences = Array.isArray(s.inst.config.custom_audiences) ? (s.inst.config.custom_audiences as Value[]) : [];
    const checkOidc = (where: ResourceInstance, token: Record<string, Value> | undefined) => {
      if (!token) {
        say(where.file, `${where.addr} (${f.name}) sends no OIDC token: the function admits only Google OIDC tokens`);
        return;
      }
      const sa = refInst(token.service_account_email, "google_service_account")[0];
      const aud = str(token.audience);
      if (!sa) say(where.file, `${where.addr} (${f.name}): the OIDC identity is not a service account of this configuration`);
      else {
        if (!allowedSas.has(sa.addr)) say(where.file, `${where.addr} (${f.name}) signs as ${sa.addr}, which the function does not allow (COSTMON_AUTH_OIDC_SERVICE_ACCOUNTS)`);
        if (!members.some((m) => memberSa(m) === sa.addr)) say(where.file, `${where.addr} (${f.name}): ${sa.addr} may not invoke the service (roles/run.invoker)`);
      }
      if (!aud || aud !== audience) say(where.file, `${where.addr} (${f.name}): token audience ${show(token.audience)} differs from the function's COSTMON_AUTH_OIDC_AUDIENCE ${show(audience)}`);
      else if (!customAudiences.includes(aud)) say(s.inst.file, `${s.inst.addr} (${f.name}) does not list ${aud} in custom_audiences, so Cloud Run refuses the token`);
    };
    if (f.trigger === "pubsub") {
      if (mySubs.length !== 1) {
        say(mySubs[0]?.file ?? s.inst.file, `${f.name} reads topic ${f.topic}: it needs exactly one push subscription to its service, found ${mySubs.length}`);
      }
      for (const sub of mySubs) {
        const topicName = topicNameOf(sub.config.topic);
        if (topicName !== `${prefix}${f.topic}`) say(catalogFile, `${sub.addr} (${f.name}) is on topic ${topicName ?? show(sub.config.topic)}, but the function reads ${prefix}${f.topic}`);
        checkOidc(sub, first(first(sub.config.push_config)?.oidc_token));
        const dl = first(sub.config.dead_letter_policy);
        if (!f.topic?.endsWith(".dead-letter")) {
          if (!dl) say(sub.file, `${sub.addr} (${f.name}) has no dead_letter_policy: a poison message would be redelivered until it expires`);
          else {
            const dlName = topicNameOf(dl.dead_letter_topic);
            if (dlName !== `${prefix}${f.topic}.dead-letter`) say(sub.file, `${sub.addr} (${f.name}) dead-letters to ${dlName ?? show(dl.dead_letter_topic)}, not ${prefix}${f.topic}.dead-letter`);
            if (dl.max_delivery_attempts !== facts.deadLetterMaxAttempts) {
              say(sub.file, `${sub.addr} (${f.name}): max_delivery_attempts ${show(dl.max_delivery_attempts)} differs from config selfops.dead_letter_max_attempts (${facts.deadLetterMaxAttempts})`);
            }
          }
        }
        if (!first(sub.config.retry_policy)) say(sub.file, `${sub.addr} (${f.name}) has no retry_policy (backoff between redeliveries)`);
      }
    } else if (mySubs.length > 0) {
      say(mySubs[0]?.file ?? s.inst.file, `${f.name} is scheduled, but ${mySubs.map((x) => x.addr).join(", ")} pushes to it`);
    }
    if (f.trigger === "scheduler") {
      if (myJobs.length !== 1) say(myJobs[0]?.file ?? s.inst.file, `${f.name} runs on "${f.schedule}": it needs exactly one Cloud Scheduler job calling its service, found ${myJobs.length}`);
      for (const j of myJobs) {
        if (j.config.schedule !== f.schedule) say(catalogFile, `${j.addr} (${f.name}) runs on ${show(j.config.schedule)}, the function declares "${f.schedule}"`);
        if ((j.config.time_zone ?? "Etc/UTC") !== f.timeZone) say(catalogFile, `${j.addr} (${f.name}) uses time zone ${show(j.config.time_zone)}, the function declares ${f.timeZone}`);
        checkOidc(j, first(first(j.config.http_target)?.oidc_token));
      }
    } else if (myJobs.length > 0) {
      say(myJobs[0]?.file ?? s.inst.file, `${f.name} is not scheduled, but ${myJobs.map((x) => x.addr).join(", ")} calls it`);
    }
  }
  // Topics a function reads that no function publishes to are started by Cloud Scheduler with `{}`,
  // unless a service account of the configuration that is no function's may publish to them (the
  // identity of gateways outside the platform, modules/messaging).
  const published = new Set(facts.functions.flatMap((f) => f.publishes));
  for (const b of ofType("google_pubsub_topic_iam_member")) {
    const sa = memberSa(b.config.member);
    if (b.config.role !== "roles/pubsub.publisher" || !sa || fnOfSa.has(sa)) continue;
    const t = unprefix(topicNameOf(b.config.topic));
    if (t && !t.endsWith(".dead-letter")) published.add(t);
  }
  for (const f of facts.functions) {
    if (f.trigger !== "pubsub" || !f.topic || published.has(f.topic) || f.topic.endsWith(".dead-letter")) continue;
    const starters = jobs.filter((j) => topicNameOf(first(j.config.pubsub_target)?.topic_name) === `${prefix}${f.topic}`);
    if (starters.length === 0) say(catalogFile, `nothing publishes to ${prefix}${f.topic} (read by ${f.name}): a Cloud Scheduler job must publish {} to it`);
    for (const j of starters) {
      const data = first(j.config.pubsub_target)?.data;
      if (data !== Buffer.from("{}").toString("base64")) say(j.file, `${j.addr} publishes ${show(data)} to ${prefix}${f.topic}; the code expects {} (base64 "e30=")`);
    }
  }

  /* ---------------------------------------------------------------- env */
  for (const f of facts.functions) {
    const s = svcOf(f.name);
    if (!s) continue;
    const needs = needsOf(f);
    for (const name of needs.env) {
      if (!s.env.has(name)) say(s.inst.file, `${f.name} reads ${name} but its service does not set it`);
    }
    if (s.env.get("COSTMON_RUNTIME")?.value !== "gcp") say(s.inst.file, `${f.name}: COSTMON_RUNTIME must be gcp, is ${show(s.env.get("COSTMON_RUNTIME")?.value)}`);
    for (const key of OPS_CONFIG_SECRETS) {
      const e = s.env.get(envName(key));
      if (e && e.secret === undefined) say(s.inst.file, `${f.name}: ${envName(key)} is a secret and must come from Secret Manager (value_source), not a plain value`);
    }
  }

  /* ---------------------------------------------------------------- secrets */
  type Grants = { read: Set<string>; write: Set<string>; delete: Set<string>; create: boolean };
  const grants = new Map<string, Grants>();
  const grantOf = (fn: string): Grants => {
    let g = grants.get(fn);
    if (!g) {
      g = { read: new Set(), write: new Set(), delete: new Set(), create: false };
      grants.set(fn, g);
    }
    return g;
  };
  const secretIdToName = new Map<string, string>();
  for (const sec of ofType("google_secret_manager_secret")) {
    const id = str(sec.config.secret_id);
    if (id) secretIdToName.set(id, id);
  }
  const customRoles = new Map(ofType("google_project_iam_custom_role").map((r) => [r.addr, (r.config.permissions as string[] | undefined) ?? []]));
  const ACCESS = "roles/secretmanager.secretAccessor";
  const ADD = "roles/secretmanager.secretVersionAdder";
  const kindOfCondition = (expr: Value): string | null => {
    const text = expr instanceof Unknown ? (expr.template ?? "") : typeof expr === "string" ? expr : "";
    const m = /resource\.name\.startsWith\("projects\/[^/"]+\/secrets\/([A-Za-z0-9_-]+)"\)/.exec(text);
    if (!m || /\|\|/.test(text)) return null;
    const kind = TENANT_SECRET_KINDS.find((k) => toSecretId(`${k}/`) === m[1]);
    return kind ?? null;
  };
  const memberFn = (m: Value): { fn?: string; sa?: string } => {
    const sa = memberSa(m);
    return { ...(sa ? { sa } : {}), ...(sa && fnOfSa.has(sa) ? { fn: fnOfSa.get(sa) as string } : {}) };
  };
  for (const b of ofType("google_secret_manager_secret_iam_member")) {
    const { fn, sa } = memberFn(b.config.member);
    const secret = str(b.config.secret_id) ?? refInst(b.config.secret_id, "google_secret_manager_secret")[0]?.config.secret_id;
    if (!fn) {
      say(b.file, `${b.addr} grants ${show(b.config.role)} on secret ${show(secret)} to ${sa ?? show(b.config.member)}, which is no function's identity`);
      continue;
    }
    if (b.config.role === ACCESS) grantOf(fn).read.add(String(secret));
    else if (b.config.role === ADD) grantOf(fn).write.add(String(secret));
    else say(b.file, `${b.addr} grants ${show(b.config.role)} on secret ${show(secret)} to ${fn}; only accessor and version adder are expected`);
  }
  for (const t of ["google_secret_manager_secret_iam_binding", "google_secret_manager_secret_iam_policy"]) {
    for (const i of ofType(t)) say(i.file, `${i.addr}: grant secrets with google_secret_manager_secret_iam_member (the drift check reads those)`);
  }
  for (const b of ofType("google_project_iam_member")) {
    const role = b.config.role;
    const custom = refInst(role, "google_project_iam_custom_role")[0];
    const perms = custom ? (customRoles.get(custom.addr) ?? []) : [];
    const secretRole = (typeof role === "string" && role.startsWith("roles/secretmanager.")) || perms.some((p) => p.startsWith("secretmanager."));
    if (!secretRole) continue;
    const { fn, sa } = memberFn(b.config.member);
    if (!fn) {
      say(b.file, `${b.addr} grants Secret Manager rights to ${sa ?? show(b.config.member)}, which is no function's identity`);
      continue;
    }
    const cond = first(b.config.condition);
    const kind = cond ? kindOfCondition(cond.expression) : null;
    if (perms.length > 0 && perms.every((p) => p === "secretmanager.secrets.create")) {
      grantOf(fn).create = true;
      continue;
    }
    if (!kind) {
      say(b.file, `${b.addr} grants ${custom ? custom.addr : show(role)} to ${fn} on every secret of the project: narrow it with a condition on a tenant secret prefix`);
      continue;
    }
    if (role === ACCESS) grantOf(fn).read.add(kind);
    else if (role === ADD) grantOf(fn).write.add(kind);
    else if (perms.length > 0 && perms.every((p) => p === "secretmanager.secrets.delete")) grantOf(fn).delete.add(kind);
    else say(b.file, `${b.addr} grants ${show(role)} to ${fn} on ${kind} secrets; expected accessor, version adder or a delete-only role`);
  }
  const grantFile = catalogFile;
  for (const f of facts.functions) {
    const s = svcOf(f.name);
    const needs = needsOf(f);
    const want = { read: new Set(needs.secrets.read), write: new Set(needs.secrets.write), delete: new Set(needs.secrets.delete) };
    for (const key of needs.configSecrets) {
      const id = s?.env.get(envName(key))?.secret;
      if (id === undefined) continue;
      const secretId = str(id) ?? str(refInst(id, "google_secret_manager_secret")[0]?.config.secret_id);
      if (secretId) want.read.add(secretId);
    }
    // Config secrets delivered to a function that does not need them count as reads too.
    for (const key of OPS_CONFIG_SECRETS) {
      const id = s?.env.get(envName(key))?.secret;
      if (id !== undefined && !needs.configSecrets.includes(key)) say(s?.inst.file ?? catalogFile, `${f.name} gets ${envName(key)} from Secret Manager, but its code never sends to the operations channel`);
    }
    const have = grants.get(f.name) ?? { read: new Set<string>(), write: new Set<string>(), delete: new Set<string>(), create: false };
    for (const op of ["read", "write", "delete"] as const) {
      for (const x of want[op]) if (!have[op].has(x)) say(grantFile, `${f.name} ${op === "read" ? "reads" : op === "write" ? "writes" : "deletes"} ${describeSecret(x)} but is not granted that`);
      for (const x of have[op]) if (!want[op].has(x)) say(grantFile, `${f.name} is granted to ${op} ${describeSecret(x)}, which its code does not ${op}`);
    }
    const needsCreate = needs.secrets.write.some((k) => (TENANT_SECRET_KINDS as readonly string[]).includes(k));
    if (needsCreate && !have.create) say(grantFile, `${f.name} creates tenant secrets but holds no secretmanager.secrets.create`);
    if (!needsCreate && have.create) say(grantFile, `${f.name} holds secretmanager.secrets.create but never writes a tenant secret`);
  }
  for (const [fn] of grants) if (!fnByName.has(fn)) say(grantFile, `secret grants to ${fn}, which is not a deployed function`);

  /* ---------------------------------------------------------------- publishers */
  const pubGrants = new Map<string, Set<string>>();
  for (const b of ofType("google_pubsub_topic_iam_member")) {
    if (b.config.role !== "roles/pubsub.publisher") continue;
    const { fn } = memberFn(b.config.member);
    if (!fn) continue;
    const t = unprefix(topicNameOf(b.config.topic)) ?? show(b.config.topic);
    pubGrants.set(fn, new Set([...(pubGrants.get(fn) ?? []), t]));
  }
  const pubFile = catalogFile;
  for (const f of facts.functions) {
    const have = pubGrants.get(f.name) ?? new Set<string>();
    for (const t of f.publishes) if (!have.has(t)) say(pubFile, `${f.name} publishes to ${t} but may not (roles/pubsub.publisher on ${prefix}${t})`);
    for (const t of have) if (!f.publishes.includes(t)) say(pubFile, `${f.name} may publish to ${t}, which its code never publishes to`);
  }

  /* ---------------------------------------------------------------- BigQuery */
  const anyEnv = (name: string) => services.map((s) => str(s.env.get(name)?.value)).find((v) => v !== undefined);
  const datasetIdOf: Record<string, string> = {};
  for (const d of DATASETS) datasetIdOf[d.role] = d.id;
  datasetIdOf.cost_analytics = anyEnv("COSTMON_BIGQUERY_COST_DATASET") ?? datasetIdOf.cost_analytics ?? "cost_analytics";
  datasetIdOf.staging = anyEnv("COSTMON_BIGQUERY_STAGING_DATASET") ?? datasetIdOf.staging ?? "cost_analytics_staging";
  const datasets = ofType("google_bigquery_dataset");
  const datasetById = new Map(datasets.map((d) => [str(d.config.dataset_id) ?? "", d]));
  const bqFile = datasets[0]?.file ?? catalogFile;
  for (const d of DATASETS) {
    const inst = datasetById.get(datasetIdOf[d.role] as string);
    if (!inst) {
      say(bqFile, `dataset ${datasetIdOf[d.role]} (${d.role}) is not created`);
      continue;
    }
    const exp = inst.config.default_table_expiration_ms ?? null;
    if ((d.defaultTableExpirationMs ?? null) !== exp) say(inst.file, `${inst.addr}: default_table_expiration_ms ${show(exp)}, table-schemas.ts says ${d.defaultTableExpirationMs ?? "none"}`);
  }
  const tables = ofType("google_bigquery_table");
  const datasetIdOfTable = (t: ResourceInstance) => str(t.config.dataset_id) ?? str(refInst(t.config.dataset_id, "google_bigquery_dataset")[0]?.config.dataset_id);
  for (const spec of HISTORY_TABLES) {
    const dsId = datasetIdOf[spec.dataset];
    const matches = tables.filter((t) => datasetIdOfTable(t) === dsId && t.config.table_id === spec.table);
    const label = `${dsId}.${spec.table}`;
    if (matches.length !== 1) {
      say(bqFile, `table ${label} (table-schemas.ts) is created ${matches.length} times`);
      continue;
    }
    const t = matches[0] as ResourceInstance;
    let schema: unknown;
    try {
      schema = typeof t.config.schema === "string" ? JSON.parse(t.config.schema) : undefined;
    } catch {
      schema = undefined;
    }
    const want = restSchema(spec).fields;
    if (!deepEqual(schema as Value, want as unknown as Value)) say(t.file, `${t.addr} (${label}): schema differs from table-schemas.ts ${schemaDiff(schema, want)}`);
    const tp = first(t.config.time_partitioning);
    if (!tp || tp.type !== spec.partitioning.type || tp.field !== spec.partitioning.field) {
      say(t.file, `${t.addr} (${label}): must be partitioned by ${spec.partitioning.type} on ${spec.partitioning.field}, is ${show(tp ? { type: tp.type, field: tp.field } : null)}`);
    }
    if (!deepEqual(t.config.clustering ?? null, [...spec.clustering])) say(t.file, `${t.addr} (${label}): clustering ${show(t.config.clustering)}, table-schemas.ts says ${JSON.stringify(spec.clustering)}`);
    if (spec.dataset === "audit_logs") {
      const exp = tp?.expiration_ms;
      if (typeof exp !== "number" || exp < 2555 * 86_400_000) say(t.file, `${t.addr} (${label}): audit partitions must be kept 2,555 days (expiration_ms ${show(exp)})`);
    }
  }
  for (const t of tables) {
    const known = HISTORY_TABLES.some((spec) => datasetIdOf[spec.dataset] === datasetIdOfTable(t) && spec.table === t.config.table_id);
    if (!known) say(t.file, `${t.addr} (${show(t.config.dataset_id)}.${show(t.config.table_id)}) is not a table of table-schemas.ts`);
  }
  const dsGrants = new Map<string, Map<string, Set<string>>>();
  for (const b of ofType("google_bigquery_dataset_iam_member")) {
    const { fn, sa } = memberFn(b.config.member);
    const ds = str(b.config.dataset_id) ?? str(refInst(b.config.dataset_id, "google_bigquery_dataset")[0]?.config.dataset_id) ?? "?";
    if (!fn) {
      say(b.file, `${b.addr} grants ${show(b.config.role)} on ${ds} to ${sa ?? show(b.config.member)}, which is no function's identity`);
      continue;
    }
    const m = dsGrants.get(fn) ?? new Map<string, Set<string>>();
    m.set(ds, new Set([...(m.get(ds) ?? []), String(b.config.role)]));
    dsGrants.set(fn, m);
  }
  const projectRoles = new Map<string, Set<string>>();
  for (const b of ofType("google_project_iam_member")) {
    const { fn } = memberFn(b.config.member);
    if (!fn || typeof b.config.role !== "string") continue;
    projectRoles.set(fn, new Set([...(projectRoles.get(fn) ?? []), b.config.role]));
  }
  const projectFile = catalogFile;
  for (const f of facts.functions) {
    const needs = needsOf(f);
    const g = dsGrants.get(f.name) ?? new Map<string, Set<string>>();
    const roles = projectRoles.get(f.name) ?? new Set<string>();
    const cost = datasetIdOf.cost_analytics as string;
    const staging = datasetIdOf.staging as string;
    const llm = datasetIdOf.llm_usage as string;
    const has = (ds: string, role: string) => g.get(ds)?.has(role) === true;
    if (needs.llmLedger && !has(llm, "roles/bigquery.dataEditor")) say(catalogFile, `${f.name} uses the LLM ledger (insertAll, queries) but lacks roles/bigquery.dataEditor on ${llm}`);
    if (needs.bigquery === "write") {
      for (const ds of [cost, staging]) if (!has(ds, "roles/bigquery.dataEditor")) say(catalogFile, `${f.name} writes the ledger (MERGE, load jobs) but lacks roles/bigquery.dataEditor on ${ds}`);
    }
    if (needs.bigquery === "read" && !has(cost, "roles/bigquery.dataViewer") && !has(cost, "roles/bigquery.dataEditor")) say(catalogFile, `${f.name} reads the ledger but lacks roles/bigquery.dataViewer on ${cost}`);
    const allowed = needs.bigquery === "write" ? new Set([cost, staging]) : needs.bigquery === "read" ? new Set([cost]) : new Set<string>();
    if (needs.llmLedger) allowed.add(llm);
    for (const [ds, rs] of g) {
      if (!allowed.has(ds)) say(catalogFile, `${f.name} is granted ${[...rs].join(", ")} on dataset ${ds}, which its code does not use`);
      else if (needs.bigquery === "read" && ds !== llm && rs.has("roles/bigquery.dataEditor")) say(catalogFile, `${f.name} only reads ${ds} but may write it (roles/bigquery.dataEditor)`);
    }
    const runsJobs = needs.bigquery !== "none" || needs.llmLedger;
    if (runsJobs !== roles.has("roles/bigquery.jobUser")) {
      say(projectFile, runsJobs ? `${f.name} runs BigQuery jobs but lacks roles/bigquery.jobUser` : `${f.name} holds roles/bigquery.jobUser but runs no BigQuery job`);
    }
    if (!roles.has("roles/datastore.user")) say(projectFile, `${f.name} keeps state in Firestore but lacks roles/datastore.user`);
    if (needs.firebaseAuth !== roles.has("roles/firebaseauth.viewer")) {
      say(projectFile, needs.firebaseAuth ? `${f.name} verifies Firebase ID tokens (revocation lookups) but lacks roles/firebaseauth.viewer` : `${f.name} holds roles/firebaseauth.viewer but verifies no ID token`);
    }
    for (const r of roles) if (/^roles\/(owner|editor|viewer)$/.test(r)) say(projectFile, `${f.name} holds the basic role ${r}`);
  }

  /* ---------------------------------------------------------------- Firestore */
  const indexes = ofType("google_firestore_index");
  const want = JSON.parse(readFileSync(join(ctx.repo, "firestore.indexes.json"), "utf8")) as {
    indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order?: string; arrayConfig?: string }[] }[];
  };
  const keyOf = (collection: Value, scope: Value, fields: Value[]) =>
    `${String(collection)}|${String(scope ?? "COLLECTION")}|${fields
      .map((x) => (isObject(x) ? `${String(x.field_path)}:${String(x.order ?? x.array_config ?? "")}` : "?"))
      .join(",")}`;
  const haveIdx = new Set(indexes.map((i) => keyOf(i.config.collection, i.config.query_scope, (i.config.fields as Value[]) ?? [])));
  const idxFile = indexes[0]?.file ?? catalogFile;
  for (const idx of want.indexes) {
    const k = `${idx.collectionGroup}|${idx.queryScope}|${idx.fields.map((x) => `${x.fieldPath}:${x.order ?? x.arrayConfig ?? ""}`).join(",")}`;
    if (!haveIdx.has(k)) say(idxFile, `the Firestore index ${idx.collectionGroup} (${idx.fields.map((x) => x.fieldPath).join(", ")}) of firestore.indexes.json is not created`);
  }
  if (indexes.length !== want.indexes.length) say(idxFile, `${indexes.length} Firestore indexes for the ${want.indexes.length} of firestore.indexes.json`);
  const rules = readFileSync(join(ctx.repo, "firestore.rules"), "utf8");
  const rulesets = ofType("google_firebaserules_ruleset");
  const rulesOk = rulesets.some((r) => ((first(first(r.config.source)?.files ?? [])?.content as Value) ?? null) === rules);
  if (!rulesOk) say(rulesets[0]?.file ?? catalogFile, "no Firebase rules ruleset holds firestore.rules as it is in the repository");
  if (!ofType("google_firebaserules_release").some((r) => r.config.name === "cloud.firestore")) say(rulesets[0]?.file ?? catalogFile, "no Firebase rules release named cloud.firestore (the rules are not in force)");

  /* ---------------------------------------------------------------- the start command */
  const pkg = readFileSync(join(ctx.repo, "scripts", "terraform", "package-source.ts"), "utf8");
  if (!/web: node server\.mjs/.test(pkg)) say("scripts/terraform/package-source.ts", "the source package's Procfile must start `node server.mjs`");
  const build = readFileSync(join(ctx.repo, "scripts", "build.mjs"), "utf8");
  if (!/start:\s*"node server\.mjs"/.test(build)) say("scripts/build.mjs", "the bundle's start script must be `node server.mjs`");

  return out;
}

function describeSecret(x: string): string {
  return (TENANT_SECRET_KINDS as readonly string[]).includes(x) ? `${x} secrets (${x}/{tenant}/…)` : `secret ${x}`;
}

function schemaDiff(have: unknown, want: { name: string }[]): string {
  if (!Array.isArray(have)) return "(no schema)";
  const hn = have.map((c) => (isObject(c) ? String(c.name) : "?"));
  const wn = want.map((c) => c.name);
  const missing = wn.filter((n) => !hn.includes(n));
  const extra = hn.filter((n) => !wn.includes(n));
  if (missing.length || extra.length) return `(missing: ${missing.join(", ") || "none"}; not in the code: ${extra.join(", ") || "none"})`;
  const changed = wn.filter((n) => {
    const a = have.find((c) => isObject(c) && c.name === n);
    const b = want.find((c) => c.name === n);
    return !deepEqual(a as Value, b as unknown as Value);
  });
  return `(columns that differ: ${changed.join(", ")})`;
}

/** For tests: the needs of one function by name. */
export function needsByName(facts: CodeFacts, name: string): ReturnType<typeof needsOf> | undefined {
  const f = facts.functions.find((x: FunctionFacts) => x.name === name);
  return f ? needsOf(f) : undefined;
}
