// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL templates, whose interpolations are written ${...}
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTerraform, formatPlan } from "../../scripts/terraform/check-terraform.js";
import { codeFacts } from "../../scripts/terraform/code-facts.js";
import { countsByType } from "../../scripts/terraform/tf-plan.js";
import { repoRoot } from "../support/shared-data.js";
import { type Edit, fixtureCopy } from "./fixture.js";

/**
 * `npm run check:terraform` on the real terraform/ (must pass) and on copies with one planted
 * error each (must fail, naming the file and the error). Prepare: a fixture copy with its edits;
 * Act: the checker; Assess: the findings.
 */

const SLOW = 180_000;

beforeAll(async () => {
  // The code facts load every entry point and build a TypeScript program once per worker.
  await codeFacts();
}, SLOW);

describe("the real terraform/", () => {
  let result: Awaited<ReturnType<typeof checkTerraform>>;
  beforeAll(async () => {
    result = await checkTerraform({ dir: join(repoRoot, "terraform") });
  }, SLOW);

  it("passes every check", () => {
    expect(result.findings).toEqual([]);
  });

  it("has the two environments as its root modules", () => {
    expect(result.roots.sort()).toEqual(["envs/dev", "envs/prod"]);
  });

  it("would create one Cloud Run service per function of entry-points.ts, and what they need", async () => {
    const facts = await codeFacts();
    const plan = result.plans.get("envs/dev");
    expect(plan).toBeDefined();
    const counts = Object.fromEntries(countsByType(plan as NonNullable<typeof plan>));
    const n = facts.functions.length;
    expect(counts.google_cloud_run_v2_service).toBe(n);
    expect(counts.google_cloud_run_v2_service_iam_member).toBe(n);
    const pubsub = facts.functions.filter((f) => f.trigger === "pubsub").length;
    const scheduled = facts.functions.filter((f) => f.trigger === "scheduler").length;
    // One more: the publisher identity of the gateway topic (llm-usage).
    expect(counts.google_service_account).toBe(n + pubsub + scheduled + 1);
    expect(counts.google_cloud_scheduler_job).toBe(scheduled + 1);
    expect(counts.google_pubsub_topic).toBe(facts.topics.length + 1);
    expect(counts.google_bigquery_table).toBe(5);
    expect(counts.google_billing_budget).toBe(1);
    const preview = formatPlan("envs/dev", plan as NonNullable<typeof plan>);
    expect(preview).toMatch(/google_cloud_run_v2_service\s+38/);
    expect(preview).toMatch(/\d+ to add, 0 to change, 0 to destroy/);
  });
});

interface Case {
  name: string;
  edits: Edit[];
  check: string;
  file: string;
  message: RegExp;
}

const CATALOG = "modules/catalog/functions.tf";

const CASES: Case[] = [
  {
    name: "a syntax error",
    edits: [{ file: "modules/functions/main.tf", from: '  ingress             = "INGRESS_TRAFFIC_ALL"', to: '  ingress             = "INGRESS_TRAFFIC_ALL" {' }],
    check: "syntax",
    file: "modules/functions/main.tf",
    message: /modules\/functions\/main\.tf:\d+/,
  },
  {
    name: "a dangling variable reference",
    edits: [{ file: "modules/scheduler/main.tf", from: "var.nightly_schedule", to: "var.nightly_schedul" }],
    check: "references",
    file: "modules/scheduler/main.tf",
    message: /undeclared variable var\.nightly_schedul\b/,
  },
  {
    name: "a dangling module output",
    edits: [{ file: "modules/platform/outputs.tf", from: "module.monitoring.budget_topic", to: "module.monitoring.budget_topics" }],
    check: "references",
    file: "modules/platform/outputs.tf",
    message: /module "monitoring" \(modules\/monitoring\) has no output "budget_topics"/,
  },
  {
    name: "an attribute the resource does not export",
    edits: [{ file: "modules/functions/main.tf", from: "google_cloud_run_v2_service.function[each.key].name\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"", to: "google_cloud_run_v2_service.function[each.key].nam\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"" }],
    check: "references",
    file: "modules/functions/main.tf",
    message: /google_cloud_run_v2_service has no attribute "nam"/,
  },
  {
    name: "a module input the module does not declare",
    edits: [{ file: "modules/platform/main.tf", from: 'source = "../catalog"', to: 'source = "../catalog"\n  region = var.region' }],
    check: "references",
    file: "modules/platform/main.tf",
    message: /module modules\/catalog has no variable "region"/,
  },
  {
    name: "a required module input left unset",
    edits: [{ file: "modules/platform/main.tf", from: '  source     = "../project"\n  project_id = var.project_id\n', to: '  source     = "../project"\n' }],
    check: "references",
    file: "modules/platform/main.tf",
    message: /required variable "project_id" of modules\/project is not set/,
  },
  {
    name: "an unknown resource type",
    edits: [{ file: "modules/monitoring/main.tf", from: 'resource "google_logging_metric" "function_errors"', to: 'resource "google_logging_metrics" "function_errors"' }],
    check: "schema",
    file: "modules/monitoring/main.tf",
    message: /unknown resource type "google_logging_metrics"/,
  },
  {
    name: "an unknown argument",
    edits: [{ file: "modules/functions/main.tf", from: '  ingress             = "INGRESS_TRAFFIC_ALL"', to: '  ingress             = "INGRESS_TRAFFIC_ALL"\n  ingres              = "INGRESS_TRAFFIC_ALL"' }],
    check: "schema",
    file: "modules/functions/main.tf",
    message: /google_cloud_run_v2_service\.function: unknown argument "ingres"/,
  },
  {
    name: "an unknown argument in a nested block",
    edits: [{ file: "modules/messaging/main.tf", from: "      audience              = var.oidc_audiences[each.key]", to: "      audiance              = var.oidc_audiences[each.key]" }],
    check: "schema",
    file: "modules/messaging/main.tf",
    message: /google_pubsub_subscription\.push\.push_config\.oidc_token: unknown argument "audiance"/,
  },
  {
    name: "a missing required argument",
    edits: [{ file: "modules/firestore/main.tf", from: "  location_id             = var.location\n", to: "" }],
    check: "schema",
    file: "modules/firestore/main.tf",
    message: /google_firestore_database\.default: missing required argument "location_id"/,
  },
  {
    name: "a missing required nested block",
    edits: [{ file: "modules/monitoring/main.tf", from: /\n {2}amount \{\n[\s\S]*?\n {2}\}\n/, to: "\n" }],
    check: "schema",
    file: "modules/monitoring/main.tf",
    message: /google_billing_budget\.platform: missing required block "amount"/,
  },
  {
    name: "a provider pinned outside 6.x",
    edits: [{ file: "envs/dev/versions.tf", from: 'version = "~> 6.50"', to: 'version = "~> 5.40"' }],
    check: "provider",
    file: "envs/dev/versions.tf",
    message: /must be a 6\.x range that includes 6\.50\.0/,
  },
  {
    name: "a catalog entry that does not fit the modules' variable type",
    edits: [{ file: CATALOG, from: "      cpu_idle        = false\n", to: "" }, { file: CATALOG, from: "    cpu_idle        = true\n", to: "" }],
    check: "plan",
    file: "modules/platform/main.tf",
    message: /module\.platform\.module\.functions\.var\.functions: the value does not match the variable's type \(\["checkLlmBudget"\]: attribute "cpu_idle" is required\)/,
  },
  {
    name: "drift: a function without a service",
    edits: [{ file: CATALOG, from: "    listBudgets    = local.callable\n", to: "" }],
    check: "drift",
    file: CATALOG,
    message: /function listBudgets \(functions\/src\/entrypoints\/callable\/list-budgets\.ts\) has no Cloud Run service/,
  },
  {
    name: "drift: a service for a function the code does not export",
    edits: [{ file: CATALOG, from: "    listBudgets    = local.callable\n", to: "    listBudgets    = local.callable\n    exportReport   = local.callable\n" }],
    check: "drift",
    file: "modules/functions/main.tf",
    message: /serves exportReport, which entry-points\.ts does not export/,
  },
  {
    name: "drift: a Pub/Sub function on another topic",
    edits: [{ file: CATALOG, from: '      topic           = "alerts"', to: '      topic           = "alert-events"' }],
    check: "drift",
    file: CATALOG,
    message: /\(dispatchAlerts\) is on topic alert-events, but the function reads alerts/,
  },
  {
    name: "drift: a schedule the function does not declare",
    edits: [{ file: CATALOG, from: 'schedule   = "0 8 * * *"', to: 'schedule   = "0 9 * * *"' }],
    check: "drift",
    file: CATALOG,
    message: /\(sendDigests\) runs on "0 9 \* \* \*", the function declares "0 8 \* \* \*"/,
  },
  {
    name: "drift: the nightly topic with nothing to start it",
    edits: [{ file: "modules/scheduler/main.tf", from: "topic_name = var.topic_ids[var.nightly_topic]", to: 'topic_name = var.topic_ids["alerts"]' }],
    check: "drift",
    file: CATALOG,
    message: /nothing publishes to nightly-collect \(read by fanOutCollection\): a Cloud Scheduler job must publish \{\} to it/,
  },
  {
    name: "drift: the gateway topic with no gateway allowed to publish to it",
    edits: [{ file: "modules/platform/main.tf", from: "gateway_topics            = module.catalog.gateway_topics", to: "gateway_topics            = []" }],
    check: "drift",
    file: CATALOG,
    message: /nothing publishes to llm-usage \(read by ingestLlmUsage\)/,
  },
  {
    name: "drift: an event function made public",
    edits: [{ file: "modules/functions/main.tf", from: 'public  = { for name, f in var.functions : name => f if f.trigger == "callable" || f.trigger == "http" }', to: "public  = { for name, f in var.functions : name => f }" }],
    check: "drift",
    file: "modules/functions/main.tf",
    message: /collectAccount is a pubsub function: its service must not be public/,
  },
  {
    name: "drift: a push token for another audience",
    edits: [{ file: "modules/messaging/main.tf", from: "      audience              = var.oidc_audiences[each.key]", to: '      audience              = "https://elsewhere.example"' }],
    check: "drift",
    file: "modules/messaging/main.tf",
    message: /\(analyzeTenant\): token audience "https:\/\/elsewhere\.example" differs from the function's COSTMON_AUTH_OIDC_AUDIENCE/,
  },
  {
    name: "drift: the start command replaced",
    edits: [{ file: "modules/functions/main.tf", from: "      image = var.image\n", to: '      image   = var.image\n      command = ["node", "index.mjs"]\n' }],
    check: "drift",
    file: "modules/functions/main.tf",
    message: /overrides the container's command or args: the image must start `node server\.mjs`/,
  },
  {
    name: "drift: an env variable a function reads left unset",
    edits: [{ file: "modules/functions/main.tf", from: "    COSTMON_PUBSUB_TOPIC_PREFIX      = var.topic_prefix\n", to: "" }],
    check: "drift",
    file: "modules/functions/main.tf",
    message: /collectAccount reads COSTMON_PUBSUB_TOPIC_PREFIX but its service does not set it/,
  },
  {
    name: "drift: a secret a function reads is not granted",
    edits: [{ file: CATALOG, from: /testAlertChannel = merge\(local\.callable, \{\n[^}]*\}\n {4}\}\)/, to: "testAlertChannel = local.callable" }],
    check: "drift",
    file: CATALOG,
    message: /testAlertChannel reads alert-secrets secrets \(alert-secrets\/\{tenant\}\/…\) but is not granted that/,
  },
  {
    name: "drift: a secret granted to a function that does not read it",
    edits: [{ file: CATALOG, from: 'getCostSummary = merge(local.callable, { bigquery = "read",', to: 'getCostSummary = merge(local.callable, { secrets = { read = ["cloud-creds"], write = [], delete = [] }, bigquery = "read",' }],
    check: "drift",
    file: CATALOG,
    message: /getCostSummary is granted to read cloud-creds secrets \(cloud-creds\/\{tenant\}\/…\), which its code does not read/,
  },
  {
    name: "drift: the operations channel's secrets given to functions that never use them",
    edits: [{ file: "modules/functions/main.tf", from: "      } : k => v if f.ops_alerts\n    }\n  }", to: '      } : k => v if f.ops_alerts || f.trigger == "callable"\n    }\n  }' }],
    check: "drift",
    file: "modules/functions/main.tf",
    message: /getSession gets COSTMON_ALERTS_SLACK_WEBHOOK_URL from Secret Manager, but its code never sends to the operations channel/,
  },
  {
    name: "drift: a tenant secret grant without its name condition",
    edits: [{ file: "modules/secrets/main.tf", from: /(resource "google_project_iam_member" "tenant_secret_reader" \{[\s\S]*?)\n {2}condition \{[\s\S]*?\n {2}\}\n\}/, to: "$1\n}" }],
    check: "drift",
    file: "modules/secrets/main.tf",
    message: /grants "roles\/secretmanager\.secretAccessor" to collectAccount on every secret of the project/,
  },
  {
    name: "drift: a BigQuery schema that differs from table-schemas.ts",
    edits: [{ file: "modules/bigquery/tables.json", from: '"name": "billed_cost"', to: '"name": "billed_amount"' }],
    check: "drift",
    file: "modules/bigquery/main.tf",
    message: /cost_analytics\.daily_costs\): schema differs from table-schemas\.ts \(missing: billed_cost; not in the code: billed_amount\)/,
  },
  {
    name: "drift: BigQuery clustering that differs from table-schemas.ts",
    edits: [{ file: "modules/bigquery/main.tf", from: "  clustering          = each.value.clustering", to: '  clustering          = ["provider"]' }],
    check: "drift",
    file: "modules/bigquery/main.tf",
    message: /\(audit_logs\.events\): clustering \["provider"\], table-schemas\.ts says \["tenant_id","stream"\]/,
  },
  {
    name: "drift: BigQuery write access for a function that only reads",
    edits: [{ file: CATALOG, from: 'getCostSummary = merge(local.callable, { bigquery = "read",', to: 'getCostSummary = merge(local.callable, { bigquery = "write",' }],
    check: "drift",
    file: CATALOG,
    message: /getCostSummary is granted roles\/bigquery\.dataEditor on dataset cost_analytics_staging, which its code does not use/,
  },
  {
    name: "drift: a function over the LLM ledger without access to llm_usage",
    edits: [{ file: CATALOG, from: "getLlmUsage     = merge(local.callable, { llm_ledger = true })", to: "getLlmUsage     = merge(local.callable, { llm_ledger = false })" }],
    check: "drift",
    file: CATALOG,
    message: /getLlmUsage uses the LLM ledger \(insertAll, queries\) but lacks roles\/bigquery\.dataEditor on llm_usage/,
  },
  {
    name: "drift: dead-letter twins under other names",
    edits: [{ file: "modules/messaging/main.tf", from: '  name     = "${var.topic_prefix}${each.key}"\n  labels', to: '  name     = "${var.topic_prefix}${replace(each.key, ".dead-letter", "-dlq")}"\n  labels' }],
    check: "drift",
    file: CATALOG,
    message: /topic alerts\.dead-letter \(the dead-letter twin of alerts\) is not created/,
  },
  {
    name: "drift: a topic a function publishes to without the publisher grant",
    edits: [{ file: CATALOG, from: 'updateAnomaly  = merge(local.callable, { publishes = ["alerts"] })', to: "updateAnomaly  = local.callable" }],
    check: "drift",
    file: CATALOG,
    message: /updateAnomaly publishes to alerts but may not \(roles\/pubsub\.publisher on alerts\)/,
  },
  {
    name: "drift: dead-lettering after other attempts than config says",
    edits: [{ file: "modules/platform/variables.tf", from: /(variable "dead_letter_max_attempts" \{[\s\S]*?default\s+= )5/, to: "$17" }],
    check: "drift",
    file: "modules/messaging/main.tf",
    message: /\(collectAccount\): max_delivery_attempts 7 differs from config selfops\.dead_letter_max_attempts \(5\)/,
  },
];

describe("planted errors", () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups) c();
  });

  it.each(CASES)(
    "fails on $name, naming the file",
    async ({ edits, check, file, message }) => {
      // Prepare
      const fx = fixtureCopy(edits);
      cleanups.push(fx.cleanup);
      // Act
      const { findings } = await checkTerraform({ dir: fx.dir });
      // Assess
      const hit = findings.find((f) => f.check === check && f.file === file && message.test(f.message));
      expect(hit, `expected a ${check} finding in ${file} matching ${message}; got:\n${findings.map((f) => `${f.file}: [${f.check}] ${f.message}`).join("\n")}`).toBeDefined();
    },
    SLOW,
  );
});
