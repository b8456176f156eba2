/**
 * Config layers and their merge. Each layer is a nested object plus a label for error messages
 * ("config/dev.yaml", "env COSTMON_SESSION_IDLE_TIMEOUT"). Later layers win; objects merge key
 * by key, everything else (scalars, arrays) is replaced. `provenance` remembers, for every path
 * set, which layer set it last.
 */
export type Tree = Record<string, unknown>;

export interface Layer {
  /** Label for whole-layer messages, e.g. "config/base.yaml". */
  source: string;
  values: Tree;
  /** Per-path labels (env and secrets name the variable); falls back to `source`. */
  sourceOf?: Map<string, string>;
}

export function isPlainObject(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.map(String).join(".");
}

export function mergeLayers(layers: Layer[]): { tree: Tree; provenance: Map<string, string> } {
  const tree: Tree = {};
  const provenance = new Map<string, string>();
  for (const layer of layers) mergeInto(tree, layer.values, [], layer, provenance);
  return { tree, provenance };
}

function mergeInto(target: Tree, source: Tree, path: string[], layer: Layer, provenance: Map<string, string>): void {
  for (const [key, value] of Object.entries(source)) {
    const here = [...path, key];
    const label = layer.sourceOf?.get(pathKey(here)) ?? layer.source;
    provenance.set(pathKey(here), label);
    if (isPlainObject(value)) {
      const existing = target[key];
      const child: Tree = isPlainObject(existing) ? existing : {};
      target[key] = child;
      mergeInto(child, value, here, layer, provenance);
    } else {
      target[key] = value;
    }
  }
}

/** Sets `value` at `path`, creating objects on the way. */
export function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isPlainObject(next)) node = next;
    else {
      const created: Tree = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/** Label of the layer that set `path`, or of the nearest ancestor set. */
export function sourceOfPath(provenance: Map<string, string>, path: readonly (string | number)[]): string | undefined {
  for (let n = path.length; n >= 1; n--) {
    const label = provenance.get(pathKey(path.slice(0, n)));
    if (label) return label;
  }
  return undefined;
}
