import type { BuildOptions } from "esbuild";

export declare const FUNCTIONS_EXTERNAL: string[];
export declare const COMMON_OPTIONS: BuildOptions;
export declare function bundleFunctions(outdir: string, opts?: { logLevel?: BuildOptions["logLevel"] }): Promise<string>;
