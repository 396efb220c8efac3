import { userInfo } from 'node:os';
import { HttpException, type INestApplicationContext } from '@nestjs/common';
import {
  AuditTrailService,
  ClientsService,
  SigningKeysService,
  toClientView,
  toIssuedClientView,
  type ClientActor,
} from '@smart-openehr/auth-server';
import type { CliCommand } from './cli-args.parser.js';

/** What a command printed and how the process should exit. */
export interface CliResult {
  exitCode: 0 | 1;
  output: unknown;
}

function operator(): ClientActor {
  try {
    return { actor: `cli:${userInfo().username}` };
  } catch {
    return { actor: 'cli' };
  }
}

async function execute(app: INestApplicationContext, command: CliCommand): Promise<unknown> {
  const clients = app.get(ClientsService);
  const by = operator();
  switch (command.name) {
    case 'clients create':
      return toIssuedClientView(
        await clients.create(
          { metadata: command.metadata, status: 'approved', trusted: command.trusted },
          by,
        ),
      );
    case 'clients list': {
      const page = await clients.list(command);
      return {
        ...page,
        items: page.items.map(toClientView),
        limit: command.limit,
        offset: command.offset,
      };
    }
    case 'clients get':
      return toClientView(await clients.getOrFail(command.clientId));
    case 'clients approve':
      return toClientView(await clients.approve(command.clientId, by));
    case 'clients suspend':
      return toClientView(await clients.suspend(command.clientId, by));
    case 'clients delete':
      await clients.remove(command.clientId, by);
      return { deleted: command.clientId };
    case 'clients rotate-secret':
      return toIssuedClientView(
        await clients.rotateSecret(command.clientId, by, command.overlapSeconds),
      );
    case 'keys rotate': {
      const kids = await app.get(SigningKeysService).rotate();
      await app.get(AuditTrailService).record({
        ...by,
        action: 'keys.rotate',
        targetType: 'signing_key',
        details: { kids },
      });
      return { rotated: kids };
    }
    case 'audit list': {
      const page = await app.get(AuditTrailService).list(command);
      return { ...page, limit: command.limit, offset: command.offset };
    }
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
