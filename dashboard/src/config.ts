/** What the server put into the page (dashboard-server.ts `DashboardPageConfig`). */
export interface PageConfig {
  projectId: string;
  authEmulatorUrl: string;
  apiBase: string;
  demoUsers: { email: string; tenantId: string; role: string }[];
  demoPassword: string;
}

export function readPageConfig(): PageConfig {
  const el = document.getElementById("dashboard-config");
  if (!el?.textContent) throw new Error("the page carries no dashboard configuration");
  return JSON.parse(el.textContent) as PageConfig;
}
