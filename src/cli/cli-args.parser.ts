import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const CLI_USAGE = `Usage: npm run cli -- <command> [options]

Clients
  clients create --name <name> --auth-method <none|client_secret_basic|client_secret_post|private_key_jwt>
                 [--redirect-uri <uri>]... [--grant-type <type>]... [--scope "<scopes>"]
                 [--jwks-file <file> | --jwks-uri <uri>] [--launch-mode <ehr|standalone>]...
                 [--contact <email>]... [--logo-uri <uri>] [--trusted]
  clients list [--limit <n>] [--offset <n>]
  clients get <client_id>
  clients approve <client_id>
  clients suspend <client_id>
  clients delete <client_id>
  clients rotate-secret <client_id> [--overlap-seconds <n>]
Keys
  keys rotate
Audit
  audit list [--limit <n>] [--offset <n>] [--action <action>] [--target-id <id>]

Reads the same environment as the server (DATA_DIR or DATABASE_URL...). Prints JSON; a client
secret is printed once, by create and rotate-secret. Exit codes: 0 ok, 1 refused, 2 usage.`;

/** A parsed command line. */
export type CliCommand =
  | { name: 'clients create'; metadata: Record<string, unknown>; trusted: boolean }
  | { name: 'clients list'; limit: number; offset: number }
  | {
      name: 'clients get' | 'clients approve' | 'clients suspend' | 'clients delete';
      clientId: string;
    }
  | { name: 'clients rotate-secret'; clientId: string; overlapSeconds?: number }
  | { name: 'keys rotate' }
  | { name: 'audit list'; limit: number; offset: number; action?: string; targetId?: string };

export class CliUsageError extends Error {}

const OPTIONS = {
  name: { type: 'string' },
  'auth-method': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'grant-type': { type: 'string', multiple: true },
  scope: { type: 'string' },
  'jwks-file': { type: 'string' },
  'jwks-uri': { type: 'string' },
  'launch-mode': { type: 'string', multiple: true },
  contact: { type: 'string', multiple: true },
  'logo-uri': { type: 'string' },
  trusted: { type: 'boolean' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  'overlap-seconds': { type: 'string' },
  action: { type: 'string' },
  'target-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

function integer(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliUsageError(`--${name} must be a non-negative integer`);
  return n;
}

function readJwks(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new CliUsageError(`--jwks-file ${file}: ${(err as Error).message}`);
  }
}

function createCommand(v: Values): CliCommand {
  if (!v['auth-method']) throw new CliUsageError('clients create needs --auth-method');
  const metadata: Record<string, unknown> = {
    client_name: v.name,
    token_endpoint_auth_method: v['auth-method'],
    redirect_uris: v['redirect-uri'],
    grant_types: v['grant-type'],
    scope: v.scope,
    jwks: v['jwks-file'] ? readJwks(v['jwks-file']) : undefined,
    jwks_uri: v['jwks-uri'],
    launch_modes: v['launch-mode'],
    contacts: v.contact,
    logo_uri: v['logo-uri'],
  };
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  return { name: 'clients create', metadata, trusted: Boolean(v.trusted) };
}

/** Parses `argv` (without `node main.js`); throws `CliUsageError` on a bad command line. */
export function parseCliArgs(argv: string[]): CliCommand | 'help' {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [group, verb, id, ...rest] = positionals;
  if (v.help || group === undefined || group === 'help') return 'help';
  const name = `${group} ${verb ?? ''}`.trim();
  const needsId = [
    'clients get',
    'clients approve',
    'clients suspend',
    'clients delete',
    'clients rotate-secret',
  ];
  if (rest.length > 0 || (id !== undefined && !needsId.includes(name))) {
    throw new CliUsageError(`unexpected argument ${rest[0] ?? id}`);
  }
  if (needsId.includes(name) && !id) throw new CliUsageError(`${name} needs a client_id`);
  switch (name) {
    case 'clients create':
      return createCommand(v);
    case 'clients list':
      return {
        name,
        limit: integer('limit', v.limit, 50)!,
        offset: integer('offset', v.offset, 0)!,
      };
    case 'clients rotate-secret':
      return {
        name,
        clientId: id,
        overlapSeconds: integer('overlap-seconds', v['overlap-seconds']),
      };
    case 'clients get':
    case 'clients approve':
    case 'clients suspend':
    case 'clients delete':
      return { name, clientId: id };
    case 'keys rotate':
      return { name };
    case 'audit list':
      return {
        name,
        limit: integer('limit', v.limit, 50)!,
        offset: integer('offset', v.offset, 0)!,
        action: v.action,
        targetId: v['target-id'],
      };
    default:
      throw new CliUsageError(`unknown command: ${name}`);
  }
}
