export * from "./budget.js";
export * from "./budget-figures.js";
export * from "./evaluate.js";
export * from "./period.js";
export * from "./scope.js";
