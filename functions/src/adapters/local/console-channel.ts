import type { AlertChannel, ChannelMessage, SendResult } from "#domain/alerts/channel-port.js";
import { describeScope, formatMoney, headline, totalImpactText } from "#domain/alerts/describe.js";
import { displayText } from "#domain/alerts/display-text.js";
import { priorityOf } from "#domain/alerts/severity.js";

/**
 * The local alert channel for `npm run nightly`: one readable line per alert (and per digest),
 * written to stdout unless a writer is given. It needs no secret. The whole line goes through
 * `displayText`, so no user text in it can break it in two (and forge a line of another tenant's
 * alert) or send a terminal escape sequence.
 */
export function consoleAlertLine(message: ChannelMessage): string {
  return displayText(unsafeLine(message));
}

function unsafeLine(message: ChannelMessage): string {
  if (message.kind === "test") return `[test] tenant=${message.tenantId} channel=${message.channelId} console channel works (${message.sentAt})`;
  if (message.kind === "digest") {
    const d = message.digest;
    return `[digest ${d.period}] tenant=${d.tenantId} ${d.totalCount} alert(s), ${totalImpactText(d)} impact, ${d.deferredCount} held by quiet hours`;
  }
  const e = message.event;
  const tag = message.transition === "trigger" ? `${priorityOf(e.severity)} ${e.severity}` : message.transition;
  return `[alert ${tag}] tenant=${e.tenantId} ${headline(e)} | impact ${formatMoney(e.impact, e.currency, e.locale)} | ${describeScope(e)} | ${e.dashboardUrl} | id=${e.id}`;
}

export function createConsoleChannel(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): AlertChannel {
  return {
    kind: "console",
    supports: () => true,
    async send(message: ChannelMessage): Promise<SendResult> {
      write(consoleAlertLine(message));
      return { ok: true };
    },
  };
}
