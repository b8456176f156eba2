import { describeCostWarehouseConformance } from "../conformance/cost-warehouse.suite.js";
import { MemoryCostWarehouse } from "./memory-cost-warehouse.js";

describeCostWarehouseConformance("MemoryCostWarehouse", async () => new MemoryCostWarehouse());
