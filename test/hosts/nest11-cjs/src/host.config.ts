import { SMART_MOUNT_PATH } from './smart-mount';

/** This host's settings, from its environment. */
export interface HostConfig {
  port: number;
  /** The host's own URL (scheme, host, port). */
  origin: string;
  /** The SMART issuer: the host's URL under the mount path. */
  issuer: string;
  /** Base URL of the host's own API (the `org.openehr.rest` service it advertises). */
  apiBaseUrl: string;
  /** `postgres://...` for PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminClientSecret: string;
  backendClientSecret: string;
}

/** Reads the host's settings; every value has a development default. */
export function hostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const port = Number(env.PORT ?? 3000);
  const origin = env.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    issuer: `${origin}${SMART_MOUNT_PATH}`,
    apiBaseUrl: `${origin}/api`,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? './data',
    adminClientSecret: env.HOST_ADMIN_SECRET ?? 'host-admin-secret-0123456789',
    backendClientSecret: env.HOST_BACKEND_SECRET ?? 'host-backend-secret-0123456789',
  };
}
