import { userInfo } from 'node:os';
import { HttpException, type INestApplicationContext } from '@nestjs/common';
import { SmartAuthAdmin, type SmartAdminActor } from '@smart-openehr/auth-server';
import type { CliCommand } from './cli-args.parser.js';

/** What a command printed and how the process should exit. */
export interface CliResult {
  exitCode: 0 | 1;
  output: unknown;
}

function operator(): SmartAdminActor {
  try {
    return { actor: `cli:${userInfo().username}` };
  } catch {
    return { actor: 'cli' };
  }
}

async function execute(app: INestApplicationContext, command: CliCommand): Promise<unknown> {
  const admin = app.get(SmartAuthAdmin);
  const by = operator();
  switch (command.name) {
    case 'clients create':
      return admin.createClient(command.metadata, { trusted: command.trusted, by });
    case 'clients list':
      return {
        ...(await admin.listClients(command)),
        limit: command.limit,
        offset: command.offset,
      };
    case 'clients get':
      return admin.getClient(command.clientId);
    case 'clients approve':
      return admin.approveClient(command.clientId, by);
    case 'clients suspend':
      return admin.suspendClient(command.clientId, by);
    case 'clients delete':
      await admin.deleteClient(command.clientId, by);
      return { deleted: command.clientId };
    case 'clients rotate-secret':
      return admin.rotateClientSecret(command.clientId, {
        overlapSeconds: command.overlapSeconds,
        by,
      });
    case 'keys rotate':
      return { rotated: await admin.rotateSigningKeys(by) };
    case 'audit list':
      return { ...(await admin.listAudit(command)), limit: command.limit, offset: command.offset };
  }
}

/**
 * Runs one CLI command against an application context, through the same services (and so the
 * same validation and audit trail) as the admin API. Refusals come back as
 * `{ error, error_description }` with exit code 1.
 */
export async function runCliCommand(
  app: INestApplicationContext,
  command: CliCommand,
): Promise<CliResult> {
  try {
    return { exitCode: 0, output: await execute(app, command) };
  } catch (err) {
    if (err instanceof HttpException && err.getStatus() < 500) {
      const body = err.getResponse() as { error?: string; error_description?: string } | string;
      const wire =
        typeof body === 'object' && body.error_description
          ? { error: body.error ?? 'invalid_request', error_description: body.error_description }
          : { error: 'invalid_request', error_description: err.message };
      return { exitCode: 1, output: wire };
    }
    throw err;
  }
}
