/**
 * Jest runs each test file in a vm context. Node's structuredClone returns objects from the outer
 * realm, and oidc-provider's plain-object checks (`constructor === Object`) reject them. Rebuild
 * plain objects and arrays in the test realm. Not needed at runtime.
 */
const outerClone = globalThis.structuredClone;

function toThisRealm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toThisRealm);
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === null || proto.constructor?.name === 'Object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toThisRealm(v)]));
    }
  }
  return value;
}

globalThis.structuredClone = ((value: unknown, options?: Parameters<typeof structuredClone>[1]) =>
  toThisRealm(outerClone(value, options))) as typeof structuredClone;
