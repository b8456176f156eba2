import Big from "big.js";
import { z } from "zod";
import { normalizeProvider, type Provider } from "../../cost-record.js";

/**
 * The OpenCost `/cloudCost` answer (OpenCost API reference, "CloudCost API"; example output in the
 * opencost-website repository, static/cloudCost-example-output.json): `{code, data: {sets: [
 * {cloudCosts: {key: CloudCost}, window}]}}`, where each CloudCost has listCost, netCost,
 * amortizedNetCost, invoicedCost and amortizedCost, each `{cost, kubernetesPercent}`.
 */
const Text = z.string().max(512);
const Measure = z.object({ cost: z.number().finite().min(-1e12).max(1e12), kubernetesPercent: z.number().finite().min(0).max(1) });
const CloudCostSchema = z
  .object({
    properties: z.object({ provider: Text.optional(), invoiceEntityID: Text.optional(), accountID: Text.optional(), providerID: Text.optional(), service: Text.optional() }).passthrough(),
    window: z.object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }) }),
    netCost: Measure,
    listCost: Measure.optional(),
    amortizedNetCost: Measure.optional(),
    invoicedCost: Measure.optional(),
    amortizedCost: Measure.optional(),
  })
  .passthrough();

export const CloudCostResponseSchema = z.object({
  code: z.number().int(),
  data: z.object({
    sets: z
      .array(z.object({ cloudCosts: z.record(Text, CloudCostSchema).refine((r) => Object.keys(r).length <= 100_000, "at most 100000 cloud costs per set") }).passthrough())
      .max(400),
  }),
});
export type CloudCostResponse = z.infer<typeof CloudCostResponseSchema>;

/** One day of one provider's bill as OpenCost sees it: the net cost and the part Kubernetes used. */
export interface KubernetesPartOfBill {
  day: string;
  provider: Provider;
  netCost: string;
  kubernetesCost: string;
}

/** A float as the decimal it prints as, to 10 places (enough under a cent for any bill). */
const dec = (n: number): string => new Big(String(n)).round(10, Big.roundHalfEven).toFixed();

/**
 * Per day and provider, the net cost and its Kubernetes part: the sum of netCost.cost ×
 * netCost.kubernetesPercent over the day's cloud costs, exact from the decimals the floats print as.
 *
 * @example
 *   kubernetesPartOfBill(CloudCostResponseSchema.parse(body)); // [{ day: "2026-11-01", provider: "aws", netCost: "1143.69", kubernetesCost: "763.23" }]
 */
export function kubernetesPartOfBill(response: CloudCostResponse): KubernetesPartOfBill[] {
  const acc = new Map<string, { net: Big; k8s: Big }>();
  for (const set of response.data.sets) {
    for (const cc of Object.values(set.cloudCosts)) {
      const day = new Date(cc.window.start).toISOString().slice(0, 10);
      const key = `${day}\u001f${normalizeProvider(cc.properties.provider ?? "")}`;
      const cur = acc.get(key) ?? { net: new Big(0), k8s: new Big(0) };
      const net = new Big(dec(cc.netCost.cost));
      acc.set(key, { net: cur.net.plus(net), k8s: cur.k8s.plus(net.times(dec(cc.netCost.kubernetesPercent))) });
    }
  }
  return [...acc]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => {
      const [day = "", provider = "other"] = key.split("\u001f");
      return { day, provider: provider as Provider, netCost: v.net.toFixed(), kubernetesCost: v.k8s.round(10, Big.roundHalfEven).toFixed() };
    });
}
