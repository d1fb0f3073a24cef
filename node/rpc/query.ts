// The subset of CometBFT's event query language that tx_search and subscribe accept:
//   cond {AND cond}   with   cond := tag op operand | tag EXISTS
//   op := "=" | "<" | "<=" | ">" | ">=" | CONTAINS
//   operand := 'string' (no escapes, as in CometBFT) | number (-?digits[.digits])
// Keywords are case-insensitive. DATE/TIME operands are not supported.

export type Operator = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

export type Operand = { kind: "string"; value: string } | { kind: "number"; value: string };

export interface Condition {
  /** Composite key "type.attribute", e.g. "message.sender", "tx.height". */
  key: string;
  op: Operator;
  /** Absent exactly when op is EXISTS. */
  operand?: Operand;
}

export interface Query {
  /** The text as given (subscriptions are keyed by it). */
  text: string;
  conditions: Condition[];
}

export class QuerySyntaxError extends Error {
  override name = "QuerySyntaxError";
}

type Token =
  | { t: "tag"; v: string; pos: number }
  | { t: "string"; v: string; pos: number }
  | { t: "number"; v: string; pos: number }
  | { t: "op"; v: Operator; pos: number }
  | { t: "and"; pos: number };

const TAG_RE = /[\p{L}\p{N}_.-]/u;
const NUMBER_RE = /^-?\d+(?:\.\d+)?/;
const MAX_QUERY_LENGTH = 4096;

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new QuerySyntaxError(`unterminated string starting at offset ${i}`);
      out.push({ t: "string", v: s.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (c === "<" || c === ">") {
      const op = (s[i + 1] === "=" ? `${c}=` : c) as Operator;
      out.push({ t: "op", v: op, pos: i });
      i += op.length;
    } else if (c === "=") {
      out.push({ t: "op", v: "=", pos: i });
      i++;
    } else if (/[-\d]/.test(c)) {
      const m = NUMBER_RE.exec(s.slice(i));
      if (!m) throw new QuerySyntaxError(`invalid number at offset ${i}`);
      out.push({ t: "number", v: m[0], pos: i });
      i += m[0].length;
    } else if (TAG_RE.test(c)) {
      let j = i;
      while (j < s.length && TAG_RE.test(s[j]!)) j++;
      const word = s.slice(i, j);
      const upper = word.toUpperCase();
      if (upper === "AND") out.push({ t: "and", pos: i });
      else if (upper === "CONTAINS" || upper === "EXISTS") out.push({ t: "op", v: upper, pos: i });
      else if (upper === "DATE" || upper === "TIME" || upper === "OR" || upper === "NOT") {
        throw new QuerySyntaxError(`unsupported keyword ${upper} at offset ${i}`);
      } else out.push({ t: "tag", v: word, pos: i });
      i = j;
    } else {
      throw new QuerySyntaxError(`unexpected character ${JSON.stringify(c)} at offset ${i}`);
    }
  }
  return out;
}

function describe(tok: Token | undefined): string {
  if (!tok) return "end of query";
  if (tok.t === "and") return `AND at offset ${tok.pos}`;
  return `${tok.t} ${JSON.stringify(tok.v)} at offset ${tok.pos}`;
}

export function parseQuery(text: string): Query {
  if (text.length > MAX_QUERY_LENGTH) throw new QuerySyntaxError(`query longer than ${MAX_QUERY_LENGTH}`);
  const toks = tokenize(text);
  if (toks.length === 0) throw new QuerySyntaxError("empty query");
  const conditions: Condition[] = [];
  let i = 0;
  for (;;) {
    const tag = toks[i];
    if (tag?.t !== "tag") throw new QuerySyntaxError(`expected an event key, got ${describe(tag)}`);
    const op = toks[i + 1];
    if (op?.t !== "op")
      throw new QuerySyntaxError(`expected an operator after ${tag.v}, got ${describe(op)}`);
    if (op.v === "EXISTS") {
      conditions.push({ key: tag.v, op: "EXISTS" });
      i += 2;
    } else {
      const arg = toks[i + 2];
      if (arg?.t !== "string" && arg?.t !== "number") {
        throw new QuerySyntaxError(
          `expected a 'string' or number after ${tag.v} ${op.v}, got ${describe(arg)}`,
        );
      }
      if (op.v === "CONTAINS" && arg.t !== "string") {
        throw new QuerySyntaxError(`CONTAINS needs a 'string' operand (offset ${arg.pos})`);
      }
      if (op.v !== "=" && op.v !== "CONTAINS" && arg.t !== "number") {
        throw new QuerySyntaxError(`${op.v} needs a number operand (offset ${arg.pos})`);
      }
      conditions.push({ key: tag.v, op: op.v, operand: { kind: arg.t, value: arg.v } });
      i += 3;
    }
    if (i === toks.length) break;
    const and = toks[i];
    if (and?.t !== "and") throw new QuerySyntaxError(`expected AND, got ${describe(and)}`);
    i++;
  }
  return { text, conditions };
}

const LEADING_NUMBER_RE = /^-?\d+(?:\.\d+)?/;

/**
 * Compares the number leading `value` (as CometBFT does: "150stake" reads as 150) with the
 * number `operand`; exact for integers of any size. undefined when value has no leading number.
 */
export function compareNumeric(value: string, operand: string): number | undefined {
  const m = LEADING_NUMBER_RE.exec(value);
  if (!m) return undefined;
  const v = m[0];
  if (!v.includes(".") && !operand.includes(".")) {
    const a = BigInt(v);
    const b = BigInt(operand);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = Number(v);
  const b = Number(operand);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether one attribute value satisfies a condition (never called for EXISTS). */
export function matchValue(cond: Condition, value: string): boolean {
  const operand = cond.operand;
  if (!operand) return true;
  if (cond.op === "CONTAINS") return value.includes(operand.value);
  if (operand.kind === "string") return cond.op === "=" && value === operand.value;
  const cmp = compareNumeric(value, operand.value);
  if (cmp === undefined) return false;
  switch (cond.op) {
    case "=":
      return cmp === 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    default:
      return false;
  }
}

/** Composite key → values, the form in which events are matched (and sent to subscribers). */
export type EventMap = Record<string, string[]>;

export function matchesEvents(query: Query, events: EventMap): boolean {
  return query.conditions.every((cond) => {
    const values = Object.hasOwn(events, cond.key) ? events[cond.key] : undefined;
    if (!values || values.length === 0) return false;
    return cond.op === "EXISTS" || values.some((v) => matchValue(cond, v));
  });
}

/** Builds the composite-key map of events; attributes with an empty type or key are skipped. */
export function eventMap(
  events: ReadonlyArray<{
    type: string;
    attributes: ReadonlyArray<{ key: string; value: string; index?: boolean }>;
  }>,
  opts: { indexedOnly?: boolean; into?: EventMap } = {},
): EventMap {
  const out: EventMap = opts.into ?? Object.create(null);
  for (const ev of events) {
    if (!ev.type) continue;
    for (const attr of ev.attributes) {
      if (!attr.key || (opts.indexedOnly && !attr.index)) continue;
      const key = `${ev.type}.${attr.key}`;
      const list = out[key];
      if (list) list.push(attr.value);
      else out[key] = [attr.value];
    }
  }
  return out;
}
