import type { DocumentStore } from "#kernel/ports.js";
import {
  type AlertChannelConfig,
  type AlertChannelConfigInput,
  parseChannelConfig,
} from "./channel-config.js";
import type { AlertLog } from "./channel-port.js";
import { paths } from "#kernel/document-paths.js";

/**
 * Reads a tenant's alert channels from `tenants/{t}/alert_channels`. An invalid config is logged
 * and skipped (the other channels still work); a tenant with none gets the default channels.
 */
export async function loadTenantChannels(
  store: DocumentStore,
  log: AlertLog,
  tenantId: string,
  defaults?: readonly Omit<AlertChannelConfigInput, "tenantId">[],
): Promise<AlertChannelConfig[]> {
  const out: AlertChannelConfig[] = [];
  let startAfter: string | undefined;
  do {
    const page = await store.list(paths.alertChannels(tenantId), { limit: 300, ...(startAfter ? { startAfter } : {}) });
    for (const d of page.docs) {
      try {
        out.push(parseChannelConfig({ id: d.id, tenantId, ...d.data }));
      } catch (err) {
        log.error("alert channel config invalid; channel skipped", {
          tenantId,
          channelId: d.id,
          error: (err as Error).message,
        });
      }
    }
    startAfter = page.next;
  } while (startAfter);
  if (out.length === 0 && defaults) {
    for (const c of defaults) out.push(parseChannelConfig({ ...c, tenantId }));
  }
  return out;
}

/** Per-run cache, so one dispatch reads each tenant's channels once. */
export function channelCache(load: (tenantId: string) => Promise<AlertChannelConfig[]>) {
  const cache = new Map<string, Promise<AlertChannelConfig[]>>();
  return (tenantId: string): Promise<AlertChannelConfig[]> => {
    let p = cache.get(tenantId);
    if (!p) {
      p = load(tenantId);
      cache.set(tenantId, p);
    }
    return p;
  };
}
