/**
 * Wildcard id patterns. A pattern that is exactly `*` matches every id. Otherwise `*` matches any
 * run of characters not containing `::` and `**` (or longer runs of stars) any run at all.
 *
 * Both matching and pattern inclusion run one NFA simulation over the pattern's tokens, so they
 * are O(|id| · |pattern|) with no backtracking and always agree with each other.
 */

/** Pattern token: a UTF-16 code unit (>= 0), {@link STAR} or {@link DSTAR}. */
const STAR = -1;
const DSTAR = -2;
const COLON = 0x3a;

/** State flags of an active NFA position. */
const CLEAN = 1; // active; for a star: its run so far does not end in `:`
const AFTER_COLON = 2; // a star whose run may end in `:` (so a further `:` would form `::`)

/** Cache of compiled patterns: ids come from a small set of registered scopes. */
const compiled = new Map<string, Int32Array>();
const CACHE_LIMIT = 1024;

function tokenize(pattern: string): Int32Array {
  if (pattern === '*') return Int32Array.of(DSTAR);
  const tokens: number[] = [];
  let i = 0;
  while (i < pattern.length) {
    const code = pattern.charCodeAt(i);
    if (code !== 0x2a) {
      tokens.push(code);
      i += 1;
      continue;
    }
    let run = 0;
    while (pattern.charCodeAt(i + run) === 0x2a) run += 1;
    tokens.push(run === 1 ? STAR : DSTAR);
    i += run;
  }
  return Int32Array.from(tokens);
}

function compile(pattern: string): Int32Array {
  let tokens = compiled.get(pattern);
  if (tokens === undefined) {
    tokens = tokenize(pattern);
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(pattern, tokens);
  }
  return tokens;
}

/** Activates `from` and every position reachable by skipping stars (an empty run). */
function close(states: Uint8Array, outer: Int32Array): void {
  for (let j = 0; j < outer.length; j += 1) {
    if (states[j] !== 0 && (outer[j] ?? 0) < 0) states[j + 1] = (states[j + 1] ?? 0) | CLEAN;
  }
}

/** The flags position `j` of `outer` gets after it consumes inner token `t`, or 0. */
function stepStar(flags: number, t: number): number {
  if (t === DSTAR) return 0;
  if (t === STAR || t === COLON) return flags & CLEAN ? AFTER_COLON : 0;
  return CLEAN;
}

/**
 * True when `outer` accepts every string produced by the inner token sequence: each inner token is
 * consumed by one outer token. With a literal-only inner sequence this is plain matching.
 */
function accepts(innerLength: number, innerAt: (i: number) => number, outer: Int32Array): boolean {
  const k = outer.length;
  let current = new Uint8Array(k + 1);
  let next = new Uint8Array(k + 1);
  current[0] = CLEAN;
  close(current, outer);
  for (let i = 0; i < innerLength; i += 1) {
    const t = innerAt(i);
    next.fill(0);
    let alive = false;
    for (let j = 0; j < k; j += 1) {
      const flags = current[j] ?? 0;
      if (flags === 0) continue;
      const o = outer[j] ?? 0;
      if (o === DSTAR) {
        next[j] = (next[j] ?? 0) | CLEAN;
      } else if (o === STAR) {
        next[j] = (next[j] ?? 0) | stepStar(flags, t);
      } else if (o === t) {
        next[j + 1] = (next[j + 1] ?? 0) | CLEAN;
      }
      alive ||= next[j] !== 0 || next[j + 1] !== 0;
    }
    if (!alive) return false;
    close(next, outer);
    [current, next] = [next, current];
  }
  return current[k] !== 0;
}

function hasWildcard(pattern: string): boolean {
  return pattern.includes('*');
}

/**
 * True when the (decoded) `id` matches the wildcard `pattern`. `*` alone matches everything;
 * elsewhere `*` matches a run without `::`, `**` any run. Case-sensitive. The id is literal.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function matchesId(pattern: string, id: string): boolean {
  if (!hasWildcard(pattern)) return pattern === id;
  if (pattern === '*') return true;
  return accepts(id.length, (i) => id.charCodeAt(i), compile(pattern));
}

/**
 * True when every id matched by `inner` is matched by `outer`. Sound (never true wrongly) and
 * conservative: each wildcard of `inner` must be covered by a single wildcard of `outer`, and a
 * `*` of `inner` is assumed able to start or end with `:`.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function isIdPatternWithin(inner: string, outer: string): boolean {
  if (outer === '*' || inner === outer) return true;
  if (!hasWildcard(inner)) return matchesId(outer, inner);
  const innerTokens = compile(inner);
  return accepts(innerTokens.length, (i) => innerTokens[i] ?? 0, compile(outer));
}

/**
 * True when `pattern` matches every possible id (`*`, `**`, `***`, ...).
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
export function matchesEveryId(pattern: string): boolean {
  return isIdPatternWithin('*', pattern);
}
