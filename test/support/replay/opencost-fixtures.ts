/**
 * Builders for OpenCost `/allocation` answers in the documented wire shape (OpenCost API
 * reference, "Allocation API", and the opencost-website repository's
 * static/allocation-example-output.json, whose field names and nesting these follow; the values
 * here are our own). Costs are floats rounded to 5 decimals, as OpenCost sends them.
 */

export interface FixtureAllocation {
  key: string;
  namespace?: string;
  controllerKind?: string;
  controller?: string;
  labels?: Record<string, string>;
  /** null stands for OpenCost's NaN. */
  cpuCost: number | null;
  ramCost: number | null;
  /** Defaults to cpu + ram, rounded to 5 decimals; null when either is null. */
  totalCost?: number | null;
}

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

export function allocation(day: string, a: FixtureAllocation, cluster = "cluster-one"): Record<string, unknown> {
  const start = `${day}T00:00:00Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace(".000Z", "Z");
  const total = a.totalCost !== undefined ? a.totalCost : a.cpuCost === null || a.ramCost === null ? null : round5(a.cpuCost + a.ramCost);
  const properties: Record<string, unknown> = { cluster };
  if (a.namespace) properties.namespace = a.namespace;
  if (a.controllerKind) properties.controllerKind = a.controllerKind;
  if (a.controller) properties.controller = a.controller;
  if (a.labels) properties.labels = a.labels;
  return {
    name: a.key,
    properties,
    window: { start, end },
    start,
    end,
    minutes: 1440,
    cpuCores: 0.5,
    cpuCoreHours: 12,
    cpuCost: a.cpuCost,
    cpuCostAdjustment: 0,
    cpuEfficiency: null,
    gpuCount: 0,
    gpuHours: 0,
    gpuCost: 0,
    networkCost: 0,
    loadBalancerCost: 0,
    pvCost: 0,
    pvs: null,
    ramBytes: 1_073_741_824,
    ramCost: a.ramCost,
    ramEfficiency: 0.5,
    externalCost: 0,
    sharedCost: 0,
    totalCost: total,
    totalEfficiency: 0.25,
    proportionalAssetResourceCosts: {},
    lbAllocations: null,
    sharedCostBreakdown: {},
  };
}

/** `{code, data: [step per day]}` from per-day allocation lists. */
export function allocationResponse(days: Record<string, FixtureAllocation[]>, cluster = "cluster-one"): { code: number; status: string; data: Record<string, unknown>[] } {
  return {
    code: 200,
    status: "success",
    data: Object.entries(days).map(([day, list]) => Object.fromEntries(list.map((a) => [a.key, allocation(day, a, cluster)]))),
  };
}

/** `n` workloads over `namespaces` namespaces plus an `__idle__`, for one day; deterministic. */
export function syntheticDay(n: number, namespaces = 50, idleCost = 123.45678): FixtureAllocation[] {
  const list: FixtureAllocation[] = [];
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % namespaces}`;
    list.push({
      key: `${ns}/deployment/app-${i}`,
      namespace: ns,
      controllerKind: "deployment",
      controller: `app-${i}`,
      labels: { app: `app-${i}`, team: `team-${i % 7}` },
      cpuCost: round5(((i * 7919) % 1000) / 997),
      ramCost: round5(((i * 104729) % 1000) / 1009),
    });
  }
  list.push({ key: "__idle__", cpuCost: round5(idleCost * 0.6), ramCost: round5(idleCost * 0.4), totalCost: idleCost });
  return list;
}
