import { writeFileSync } from "node:fs";
import { dump } from "js-yaml";

/**
 * A tenants file of `tenants` synthetic tenants with `accounts` demo accounts each, for the
 * fan-out and run-cost benchmarks: small billing data (two services per account, one month of
 * generated history), providers in turn gcp, aws, azure, one monthly budget per tenant, no
 * injected anomalies, the default console alert channel. Deterministic.
 */
export function writeSyntheticTenants(file: string, opts: { tenants: number; accounts: number; today: string; seed?: number }): void {
  const providers = ["gcp", "aws", "azure"] as const;
  const services = {
    gcp: [
      { name: "Compute Engine", category: "Compute", region: "us-central1" },
      { name: "Cloud Storage", category: "Storage", region: "us-central1" },
    ],
    aws: [
      { name: "Amazon Elastic Compute Cloud", category: "Compute", region: "us-east-1" },
      { name: "Amazon Simple Storage Service", category: "Storage", region: "us-east-1" },
    ],
    azure: [
      { name: "Virtual Machines", category: "Compute", region: "eastus" },
      { name: "Storage", category: "Storage", region: "eastus" },
    ],
  };
  const tenants = Array.from({ length: opts.tenants }, (_, t) => {
    const id = `bench-t${String(t).padStart(4, "0")}`;
    return {
      id,
      name: `Bench tenant ${t}`,
      timezone: "Etc/UTC",
      analysis: { min_impact_usd: 50, min_change_pct: 20 },
      accounts: Array.from({ length: opts.accounts }, (_, a) => {
        const provider = providers[(t + a) % providers.length] as (typeof providers)[number];
        return {
          id: `${id}-a${String(a).padStart(2, "0")}`,
          provider,
          billing_account_id: `BA-${t}-${a}`,
          sub_account_id: `sub-${t}-${a}`,
          environment: a % 2 === 0 ? "prod" : "nonprod",
          services: services[provider].map((s, i) => ({ ...s, daily_usd: `${(10 + ((t * 7 + a * 3 + i) % 40)).toFixed(2)}` })),
        };
      }),
      budgets: [{ id: "monthly", name: "Monthly", period: "monthly", amount: "50000.00" }],
    };
  });
  writeFileSync(file, dump({ seed: opts.seed ?? 20261120, today: opts.today, history_months: 1, tenants }, { lineWidth: 200 }));
}
