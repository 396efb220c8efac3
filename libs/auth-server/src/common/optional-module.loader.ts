import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads an optional peer dependency (`@nestjs/swagger`, `pg`) only when the host installed it.
 * "Not installed" gives `undefined`; any other failure (a broken install) is rethrown.
 */
export function loadOptionalModule<T>(name: string): T | undefined {
  try {
    return requireFromHere(name) as T;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Loads a peer dependency the configured feature needs, with a message naming the package. */
export function loadPeerModule<T>(name: string, feature: string): T {
  const loaded = loadOptionalModule<T>(name);
  if (!loaded) throw new Error(`${feature} needs the package "${name}": npm install ${name}`);
  return loaded;
}
