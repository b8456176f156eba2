/** The deployable bundle, built exactly as scripts/build.mjs builds it, into bench/out. */
export { bundleFunctions } from "../../scripts/functions-bundle.mjs";
