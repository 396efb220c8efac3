/** Member names whose values are secrets, secret hashes or credentials. */
const SENSITIVE_KEY =
  /(secret|password|passphrase|hash|access_token|refresh_token|id_token|client_assertion|authorization|cookie)$/i;
const MAX_DEPTH = 8;

/**
 * A JSON-safe copy with every secret-bearing member removed (`client_secret`, `secret_hash`,
 * `previousSecretHash`, tokens...); `client_secret_expires_at` and the like are kept.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => !SENSITIVE_KEY.test(key) && v !== undefined)
      .map(([key, v]) => [key, redactSecrets(v, depth + 1)]),
  );
}
