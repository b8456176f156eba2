import { useEffect, useState } from "preact/hooks";
import { describeError } from "./api.js";

export type Load<T> = { state: "loading" } | { state: "ready"; data: T } | { state: "error"; message: string };

/** Runs `load` whenever `deps` change; an answer that arrives after a newer request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Load<T>, (data: T) => void] {
  const [value, setValue] = useState<Load<T>>({ state: "loading" });
  useEffect(() => {
    let current = true;
    setValue({ state: "loading" });
    load().then(
      (data) => current && setValue({ state: "ready", data }),
      (err: unknown) => current && setValue({ state: "error", message: describeError(err) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return [value, (data: T) => setValue({ state: "ready", data })];
}
