/**
 * Injection patterns checked on free-text fields (DESIGN.md §6 step 7).
 *
 * Chosen for few false positives on ordinary budget names and notes ("Q3 budget - prod, don't
 * exceed", "delete after Q4; owner: data team"): each SQL rule needs SQL structure (a tautology,
 * UNION SELECT, a statement after `;`, a quote glued to a comment), not a lone keyword; each prompt
 * rule needs an instruction-override phrase or a chat-template marker. Queries never concatenate
 * user text (parameters only), so these are defence in depth and a signal for the audit log.
 */
export interface InjectionRule {
  rule: string;
  kind: "sql" | "prompt";
  pattern: RegExp;
  description: string;
}

export const INJECTION_RULES: readonly InjectionRule[] = [
  {
    rule: "sql-tautology",
    kind: "sql",
    pattern: /\b(?:or|and)\s+(?:(['"])([^'"]{0,20})\1\s*=\s*\1\2\1?|(\d+)\s*=\s*\3\b)/i,
    description: "boolean tautology such as `' OR 1=1` or `' or 'a'='a`",
  },
  {
    rule: "sql-quote-or-true",
    kind: "sql",
    pattern: /['"]\s*(?:or|\|\|)\s+(?:true|not\s+false)\b/i,
    description: "quote followed by OR TRUE",
  },
  {
    rule: "sql-union-select",
    kind: "sql",
    pattern: /\bunion\s+(?:all\s+|distinct\s+)?select\b/i,
    description: "UNION SELECT",
  },
  {
    rule: "sql-stacked-statement",
    kind: "sql",
    pattern:
      /;\s*(?:drop\s+(?:table|database|schema)|delete\s+from|truncate\s+table|insert\s+into|update\s+\w+\s+set|alter\s+table|create\s+(?:table|user)|exec(?:ute)?\s+\w+|shutdown\b|grant\s+\w+)/i,
    description: "a second SQL statement after `;`",
  },
  {
    rule: "sql-quote-comment",
    kind: "sql",
    // MySQL needs whitespace after "--"; "#" counts only before whitespace or the end, to keep "'core'#3" out.
    pattern: /\w['"](?:--(?=\s|$)|#(?=\s|$)|\/\*)/,
    description: "a quote closed and the rest commented out, as in `admin'--`",
  },
  {
    rule: "sql-time-delay",
    kind: "sql",
    pattern: /\b(?:pg_sleep|sleep|benchmark)\s*\(\s*\d|\bwaitfor\s+delay\s+'/i,
    description: "time-based blind injection (SLEEP(, pg_sleep(, BENCHMARK(, WAITFOR DELAY)",
  },
  {
    rule: "sql-system-objects",
    kind: "sql",
    pattern: /\b(?:information_schema\.\w+|xp_cmdshell|sys\.objects|pg_catalog\.\w+|sqlite_master)\b/i,
    description: "system catalog or command procedure",
  },
  {
    rule: "prompt-ignore-instructions",
    kind: "prompt",
    pattern:
      /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|of\s+)*(?:previous|prior|above|earlier|preceding|your|system|original)\s+(?:instructions?|prompts?|rules|directions|guidelines|messages?|context)\b/i,
    description: "asks the model to drop its instructions",
  },
  {
    rule: "prompt-reveal-system",
    kind: "prompt",
    pattern:
      /\b(?:reveal|print|show|repeat|output|leak|dump)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+)?(?:system\s+prompt|hidden\s+(?:prompt|instructions)|initial\s+(?:prompt|instructions))\b/i,
    description: "asks the model to reveal its system prompt",
  },
  {
    rule: "prompt-role-override",
    kind: "prompt",
    pattern:
      /\byou\s+are\s+now\s+(?:DAN\b|an?\s+(?:unrestricted|unfiltered|jailbroken|uncensored)\b|in\s+(?:developer|god|jailbreak|DAN)\s+mode\b)|\b(?:jailbreak|DAN|god)\s+mode\b|\bdo\s+anything\s+now\b/i,
    description: "role override or jailbreak persona",
  },
  {
    rule: "prompt-new-instructions",
    kind: "prompt",
    pattern: /\b(?:new|updated|real)\s+(?:system\s+)?instructions\s*:/i,
    description: "injects a new instruction block",
  },
  {
    rule: "prompt-template-marker",
    kind: "prompt",
    pattern: /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?INST\]|<<\/?SYS>>|^\s*(?:system|assistant)\s*:/im,
    description: "chat-template control tokens or a forged role line",
  },
];
