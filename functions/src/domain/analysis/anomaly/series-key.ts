/** The dimensions anomaly detection runs on: one series per provider, account and service. */
export interface SeriesWhere {
  provider: string;
  accountId: string;
  service: string;
  /** Only for a (provider, account, service) billed in several currencies: one series per currency. */
  currency?: string;
}

const SEP = "|";

export const seriesKeyOf = (w: SeriesWhere): string => [w.provider, w.accountId, w.service, ...(w.currency ? [w.currency] : [])].join(SEP);

export function parseSeriesKey(key: string): SeriesWhere {
  const [provider = "", accountId = "", service = "", currency] = key.split(SEP);
  return { provider, accountId, service, ...(currency ? { currency } : {}) };
}
