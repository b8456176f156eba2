/** The dimensions anomaly detection runs on: one series per provider, account and service. */
export interface SeriesWhere {
  provider: string;
  accountId: string;
  service: string;
}

const SEP = "|";

export const seriesKeyOf = (w: SeriesWhere): string => [w.provider, w.accountId, w.service].join(SEP);

export function parseSeriesKey(key: string): SeriesWhere {
  const [provider = "", accountId = "", service = ""] = key.split(SEP);
  return { provider, accountId, service };
}
