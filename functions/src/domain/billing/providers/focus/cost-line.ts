import type { CostIdentity } from "../../cost-record.js";
import type { TagMap } from "../../normalize/tags.js";

/** One validated source row, before rows of the same identity and day are summed into a CostRecord. */
export interface CostLine {
  identity: Omit<CostIdentity, "tenant_id">;
  billed_cost: string;
  effective_cost: string;
  list_cost: string;
  billing_currency: string;
  pricing_quantity: string | null;
  pricing_unit: string;
  tags: TagMap;
}
