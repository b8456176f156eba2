#!/usr/bin/env -S npx tsx
/**
 * `npm run check:terraform [-- --dir PATH] [--env dev] [--json] [--no-drift]`: validates the
 * Terraform configuration offline, without a terraform binary (docs/deploy.md, "Validating
 * offline"), and exits non-zero naming the file of every problem:
 *
 *   (a) syntax      every .tf file parses on its own (@cdktf/hcl2json);
 *   (b) references  every var., local., module., data. and resource reference resolves, module
 *                   inputs are declared variables, required inputs are set, module outputs exist;
 *   (c) schema      every resource type, argument and nested block is one hashicorp/google 6.50
 *                   has, and required arguments and blocks are present; the provider is pinned to
 *                   a 6.x range and root modules keep state in a GCS backend;
 *   (d) drift       the functions, triggers, topics, env, secrets, grants and BigQuery schemas
 *                   that the environments would create match the code (drift.ts);
 *   (e) plan        what each environment would create, counted by resource type, from the parsed
 *                   files (printed for --env, dev by default).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@cdktf/hcl2json";
import { driftFindings } from "./drift.js";
import { evaluate, type Value } from "./hcl-eval.js";
import { countsByType, type Plan, planRoot } from "./tf-plan.js";
import { type Finding, exprOf, loadModules, moduleSource, type TfModule } from "./tf-module.js";
import { checkProviderAndBackend, checkReferences, checkSchema } from "./tf-static.js";

export interface CheckOptions {
  /** The tree to check (default terraform/ of this repository). */
  dir: string;
  /** The environment whose plan is printed (a directory envs/<env> under dir). */
  env?: string;
  /** Skip the drift checks (they load the functions' code). */
  drift?: boolean;
}

export interface CheckResult {
  findings: Finding[];
  /** Plans of each root module, by its directory relative to dir. */
  plans: Map<string, Plan>;
  roots: string[];
}

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Root variable values from <root>/terraform.tfvars, or the committed terraform.tfvars.example. */
async function rootVars(root: TfModule): Promise<Record<string, Value>> {
  for (const name of ["terraform.tfvars", "terraform.tfvars.example"]) {
    const file = join(root.dir, name);
    if (!existsSync(file)) continue;
    const json = (await parse(name, readFileSync(file, "utf8"))) as Record<string, unknown>;
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(json)) out[k] = evaluate(exprOf(v), { moduleDir: root.dir, root: () => ({}) });
    return out;
  }
  return {};
}

export async function checkTerraform(opts: CheckOptions): Promise<CheckResult> {
  const dir = resolve(opts.dir);
  const findings: Finding[] = [];
  if (!existsSync(dir)) return { findings: [{ check: "syntax", file: opts.dir, message: "no such directory" }], plans: new Map(), roots: [] };
  const { modules, findings: loadFindings } = await loadModules(dir);
  findings.push(...loadFindings);

  // A root module is one no other module calls.
  const called = new Set<string>();
  for (const m of modules.values()) {
    for (const call of m.modules.values()) {
      const src = moduleSource(m, call.body);
      if (src) called.add(src);
    }
  }
  const roots = [...modules.values()].filter((m) => !called.has(m.dir));

  for (const m of modules.values()) {
    findings.push(...checkReferences(m, modules));
    findings.push(...checkSchema(m));
    findings.push(...checkProviderAndBackend(m, !called.has(m.dir)));
  }

  const plans = new Map<string, Plan>();
  const staticClean = findings.length === 0;
  // Evaluation needs every reference to resolve: plan only a tree whose references are sound.
  const unresolved = findings.some((f) => f.check === "syntax" || f.check === "references");
  for (const root of unresolved ? [] : roots) {
    const plan = planRoot(root, modules, await rootVars(root), root.dir);
    plans.set(root.rel, plan);
    findings.push(...plan.findings);
  }

  if (opts.drift !== false && staticClean) {
    const catalog = [...modules.values()].find((m) => m.locals.has("functions") && m.outputs.has("functions"));
    const catalogFile = catalog?.locals.get("functions")?.file;
    for (const [rel, plan] of plans) {
      if (plan.findings.length > 0) continue;
      findings.push(...(await driftFindings(plan, rel, { dir, repo: REPO, ...(catalogFile ? { catalogFile } : {}) })));
    }
  }
  return { findings: dedupe(findings), plans, roots: roots.map((r) => r.rel) };
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.check}|${f.file}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The plan preview: managed instances by resource type, and data sources read. */
export function formatPlan(rel: string, plan: Plan): string {
  const lines = [`Plan preview for ${rel} (from the parsed files; no cloud access):`];
  const counts = countsByType(plan);
  const width = Math.max(...counts.map(([t]) => t.length), 10);
  let total = 0;
  for (const [type, n] of counts) {
    lines.push(`  + ${type.padEnd(width)} ${String(n).padStart(4)}`);
    total += n;
  }
  const reads = plan.instances.filter((i) => i.mode === "data").length;
  lines.push(`  ${total} to add, 0 to change, 0 to destroy; ${reads} data source${reads === 1 ? "" : "s"} read.`);
  return lines.join("\n");
}

function parseArgs(argv: string[]): CheckOptions & { json: boolean } {
  const out: CheckOptions & { json: boolean } = { dir: join(REPO, "terraform"), env: "dev", json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dir") out.dir = argv[++i] ?? out.dir;
    else if (a === "--env") out.env = argv[++i] ?? out.env;
    else if (a === "--json") out.json = true;
    else if (a === "--no-drift") out.drift = false;
    else if (a === "--help" || a === "-h") {
      console.log("usage: npm run check:terraform [-- --dir PATH] [--env dev] [--json] [--no-drift]");
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = parseArgs(process.argv.slice(2));
  const result = await checkTerraform(opts);
  const envRel = [...result.plans.keys()].find((k) => basename(k) === opts.env) ?? [...result.plans.keys()][0];
  if (opts.json) {
    const plans = Object.fromEntries([...result.plans].map(([k, p]) => [k, Object.fromEntries(countsByType(p))]));
    console.log(JSON.stringify({ ok: result.findings.length === 0, findings: result.findings, plans }, null, 2));
  } else {
    const where = relative(process.cwd(), resolve(opts.dir)) || ".";
    if (result.findings.length === 0) {
      console.log(`terraform check passed: ${where} (syntax, references, provider schema, drift against the code)`);
      const plan = envRel ? result.plans.get(envRel) : undefined;
      if (envRel && plan) console.log(formatPlan(envRel, plan));
    } else {
      for (const f of result.findings) console.error(`${f.file}: [${f.check}] ${f.message}`);
      console.error(`terraform check failed: ${result.findings.length} problem${result.findings.length === 1 ? "" : "s"} in ${where}`);
    }
  }
  process.exit(result.findings.length === 0 ? 0 : 1);
}
