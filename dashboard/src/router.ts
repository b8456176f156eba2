import { useEffect, useState } from "preact/hooks";

/**
 * The page's routes, matched on `location.pathname` (history API; the server answers every one of
 * these paths with the page). The `/tenants/…` ones are the alert links' paths.
 */
export type Route =
  | { view: "overview" | "costs" | "anomalies" | "budgets" | "forecasts" | "channels" | "recommendations" | "llm" }
  | { view: "anomaly"; tenantId: string; id: string }
  | { view: "budget"; tenantId: string; id: string }
  | { view: "account"; tenantId: string; id: string }
  | { view: "not-found" };

const LINK = /^\/tenants\/([A-Za-z0-9_.~-]{1,128})\/(anomalies|budgets|accounts)\/([A-Za-z0-9_.~-]{1,128})$/;
const LINK_VIEW = { anomalies: "anomaly", budgets: "budget", accounts: "account" } as const;

export function parseRoute(path: string): Route {
  if (path === "/" || path === "/overview") return { view: "overview" };
  const views = ["costs", "anomalies", "budgets", "forecasts", "channels", "recommendations", "llm"] as const;
  const view = views.find((v) => path === `/${v}`);
  if (view) return { view };
  const m = LINK.exec(path);
  if (m?.[1] && m[2] && m[3]) return { view: LINK_VIEW[m[2] as keyof typeof LINK_VIEW], tenantId: m[1], id: m[3] };
  return { view: "not-found" };
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  return route;
}

/** A same-page link: a real `<a href>` (keyboard and middle-click work), followed without a reload. */
export function onLinkClick(e: MouseEvent): void {
  const a = e.currentTarget as HTMLAnchorElement;
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.pathname);
}
