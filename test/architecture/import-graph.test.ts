import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/shared-data.js";
import {
  buildGraph,
  checkGraph,
  formatViolation,
  type ImportGraph,
  type Layout,
  OUTSIDE,
  ROOMS,
  ROOT,
  type RuleSpec,
  readProject,
  roomOf,
} from "./import-graph.js";

/**
 * The rooms of functions/src and what each may import (docs/architecture.md, DESIGN.md §3, §5).
 * Every import counts: `import type`, `export … from`, `import x = require(…)`, `import("…")`
 * and `import("…").T` types alike.
 */

/** SDK and adapter packages, and the built-ins that do I/O. `node:crypto` and `node:path` are fine. */
const SDK = [
  "@google-cloud/*",
  "firebase-admin",
  "firebase",
  "@aws-sdk/*",
  "@smithy/*",
  "@azure/*",
  "@duckdb/*",
  "google-auth-library",
  "hyparquet",
  "hyparquet-writer",
  "csv-parse",
  "csv-stringify",
  "node:fs",
  "node:fs/promises",
  "node:net",
  "node:http",
  "node:https",
  "node:child_process",
] as const;

/** The port modules; analysis is pure functions over series, so it imports none. */
const PORT_MODULES = ["kernel/ports.ts", "domain/billing/ports.ts"] as const;

const RULES: readonly RuleSpec[] = [
  {
    rule: "kernel-is-the-floor",
    files: "kernel/**",
    mayImport: ["kernel"],
    noPackages: SDK,
    why: "kernel imports no project file outside kernel, and no SDK",
  },
  {
    rule: "foundation-below-domain",
    files: "foundation/**",
    mayImport: ["kernel", "foundation"],
    why: "foundation imports only kernel and foundation",
  },
  {
    rule: "domain-without-sdk",
    files: "domain/**",
    mayImport: ["kernel", "domain"],
    noPackages: SDK,
    why: "domain imports only kernel and domain, and no SDK or adapter package, not even types",
  },
  {
    rule: "analysis-is-pure",
    files: "domain/analysis/**",
    mayNotImport: PORT_MODULES,
    why: "analysis imports no port module",
  },
  {
    rule: "adapters-below-entrypoints",
    files: "adapters/**",
    mayImport: ["kernel", "domain", "adapters", "foundation"],
    why: "adapters import kernel, domain, adapters and foundation only",
  },
  {
    rule: "entrypoints-not-cli",
    files: "entrypoints/**",
    mayNotImport: ["cli/**"],
    why: "entrypoints import anything but cli",
  },
  {
    rule: "cli-is-a-leaf",
    files: "*",
    except: "cli/**",
    mayNotImport: ["cli/**"],
    why: "nothing imports cli except cli",
  },
  {
    rule: "cli-builds-adapters-through-deps",
    files: "cli/**",
    mayNotImport: ["adapters/**"],
    severity: "warn",
    why: "cli should get its adapters from deps.ts, not construct them",
  },
];

const KNOWN_ROOMS: readonly string[] = [...ROOMS, ROOT];

function structuralProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const f of graph.files) {
    if (!KNOWN_ROOMS.includes(roomOf(f))) problems.push(`functions/src/${f}: room "${roomOf(f)}" is not one of ${KNOWN_ROOMS.join(", ")}`);
  }
  for (const e of graph.edges) {
    if (e.target.type === "computed") problems.push(`functions/src/${e.from}:${e.line}  ${e.kind} with a computed specifier: the graph cannot follow it`);
  }
  return problems;
}

describe("import graph of functions/src", () => {
  const { sources, layout } = readProject(repoRoot);
  const graph = buildGraph(sources, layout);
  const found = checkGraph(graph, RULES);
  const errors = found.filter((v) => v.severity === "error");
  const warnings = found.filter((v) => v.severity === "warn");

  it("reads a plausible graph: every room, aliases and relative paths resolved", () => {
    const fileEdges = graph.edges.filter((e) => e.target.type === "file");
    expect(graph.files.length).toBeGreaterThan(150);
    expect(fileEdges.length).toBeGreaterThan(400);
    for (const room of KNOWN_ROOMS) expect(graph.files.some((f) => roomOf(f) === room), room).toBe(true);
    for (const room of ROOMS) {
      expect(
        fileEdges.some((e) => e.target.type === "file" && e.target.room === room && e.target.exists),
        `an import of ${room}`,
      ).toBe(true);
    }
    expect(graph.edges.some((e) => e.specifier.startsWith("#") && e.target.type === "file" && e.target.exists)).toBe(true);
    expect(graph.edges.some((e) => e.specifier.startsWith(".") && e.target.type === "file" && e.target.exists)).toBe(true);
    expect(graph.edges.some((e) => e.kind === "import type")).toBe(true);
    expect(graph.edges.some((e) => e.kind === "import()")).toBe(true);
    expect(graph.edges.some((e) => e.target.type === "package" && e.target.name === "zod")).toBe(true);
  });

  it("every file lives in a known room and every specifier is a literal", () => {
    const problems = structuralProblems(graph);
    expect(problems.length, `\n${problems.join("\n")}\n`).toBe(0);
  });

  it("every project import resolves to a file (moved files leave none behind)", () => {
    const broken = graph.edges
      .filter((e) => e.target.type === "file" && !e.target.exists && /\.ts$/.test(e.target.path))
      .map((e) => `functions/src/${e.from}:${e.line}  ${e.kind} "${e.specifier}" → nothing at ${e.target.type === "file" ? e.target.path : ""}`);
    expect(broken.length, `\n${broken.join("\n")}\n`).toBe(0);
  });

  it("has no forbidden edge", () => {
    if (warnings.length > 0) {
      console.warn(`import-graph warnings (${warnings.length}, not failures):\n${warnings.map((v) => formatViolation(v)).join("\n")}`);
    }
    const report = errors.map((v) => formatViolation(v)).join("\n");
    expect(errors.length, `${errors.length} forbidden import(s):\n${report}\n`).toBe(0);
  });
});

describe("the import checker itself", () => {
  // A tiny tree with one planted edge per import syntax, next to edges that are allowed.
  const layout: Layout = {
    srcDir: "functions/src",
    imports: { "#kernel/*": "./functions/src/kernel/*", "#domain/*": "./functions/src/domain/*", "#cli/*": "./functions/src/cli/*" },
  };
  const sources = new Map<string, string>([
    ["kernel/clean.ts", `import { z } from "zod";\nexport const x = z.string();`],
    ["kernel/leak.ts", `import type { A } from "#domain/a.js";\nexport type B = A;`],
    ["domain/a.ts", `import { createHash } from "node:crypto";\nexport type A = import("@google-cloud/bigquery").BigQuery;\nexport { b } from "../adapters/b.js";\nexport const h = createHash;`],
    ["domain/analysis/pure.ts", `import ports = require("../../kernel/ports.js");\nexport type P = typeof ports;`],
    ["kernel/ports.ts", `export interface Clock { now(): Date }`],
    ["foundation/f.ts", `import { readFile } from "fs";\nexport const load = async () => [readFile, await import("#domain/a.js")];`],
    ["adapters/b.ts", `import "#cli/main.js";\nexport const b = 1;`],
    ["cli/main.ts", `import { b } from "../adapters/b.js";\nexport const main = b;`],
    ["index.ts", `export { x } from "./kernel/clean.js";\nexport const load = (name: string) => import(name);`],
  ]);
  const graph = buildGraph(sources, layout);
  const found = checkGraph(graph, RULES).map((v) => `${v.severity} ${v.rule}: ${v.edge.from}:${v.edge.line} ${v.edge.kind} ${v.edge.specifier}`);

  it("catches each planted forbidden edge, whatever its syntax, and nothing else", () => {
    expect(found.sort()).toEqual(
      [
        "error adapters-below-entrypoints: adapters/b.ts:1 import #cli/main.js",
        "error analysis-is-pure: domain/analysis/pure.ts:1 import = ../../kernel/ports.js",
        "error cli-is-a-leaf: adapters/b.ts:1 import #cli/main.js",
        "error domain-without-sdk: domain/a.ts:2 import() type @google-cloud/bigquery",
        "error domain-without-sdk: domain/a.ts:3 export from ../adapters/b.js",
        "error foundation-below-domain: foundation/f.ts:2 import() #domain/a.js",
        "error kernel-is-the-floor: kernel/leak.ts:1 import type #domain/a.js",
        "warn cli-builds-adapters-through-deps: cli/main.ts:1 import ../adapters/b.js",
      ].sort(),
    );
  });

  it("flags a computed specifier and an unknown room", () => {
    const withStray = buildGraph(new Map([...sources, ["shared/util.ts", "export const u = 1;"]]), layout);
    expect(structuralProblems(withStray)).toEqual([
      `functions/src/shared/util.ts: room "shared" is not one of ${KNOWN_ROOMS.join(", ")}`,
      "functions/src/index.ts:2  import() with a computed specifier: the graph cannot follow it",
    ]);
  });

  it("resolves aliases and relative paths to the .ts source, and files outside the tree to their own room", () => {
    const g = buildGraph(new Map([["kernel/x.ts", `import "#kernel/clean.js";\nimport "../../config/demo.json";\nimport "#nope/y.js";`], ["kernel/clean.ts", ""]]), layout);
    expect(g.edges.map((e) => e.target)).toEqual([
      { type: "file", path: "kernel/clean.ts", room: "kernel", exists: true },
      { type: "file", path: "../config/demo.json", room: OUTSIDE, exists: false },
      { type: "file", path: "#nope/y.js", room: OUTSIDE, exists: false },
    ]);
  });
});
