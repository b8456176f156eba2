import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { type AppDeps, getDeps, getPipelineServices } from "../deps.js";
import { definePipeline } from "#foundation/pipeline/define-pipeline.js";

/**
 * `defineCallable` and `defineEventHandler` bound to this app's composition root. Each callable registers itself with
 * functions-framework under its name, so `--target=<name>` and getTestServer(name) find it.
 */
export const { defineCallable, defineEventHandler } = definePipeline<AppDeps>({
  services: getPipelineServices,
  deps: getDeps,
  register: (name, fn) => http(name, fn as unknown as HttpFunction),
});
