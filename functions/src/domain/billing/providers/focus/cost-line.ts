import type { CostAmounts, CostIdentity } from "../../cost-record.js";
import type { TagMap } from "../../normalize/tags.js";

/** One validated source row, before rows of the same identity and day are summed into a CostRecord. */
export interface CostLine extends CostAmounts {
  identity: Omit<CostIdentity, "tenant_id">;
  tags: TagMap;
  /** Key-only discriminators (FOCUS SkuId, ChargeDescription): part of record_key, not stored. */
  sku_id?: string;
  charge_description?: string;
}
