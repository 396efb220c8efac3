import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ClientRegistryService } from '../../libs/auth-server/src/clients/client-registry.service.js';
import { clientTypeOf } from '../../libs/auth-server/src/clients/client.types.js';
import { hashClientSecret } from '../../libs/auth-server/src/clients/client-secret.hasher.js';

/** Stores a client straight in the registry (approved unless told otherwise). */
export async function saveClient(
  app: INestApplication,
  metadata: Record<string, unknown> & { token_endpoint_auth_method: string },
  options: { clientId?: string; secret?: string; status?: string; trusted?: boolean } = {},
): Promise<string> {
  const clientId = options.clientId ?? `client-${randomUUID()}`;
  const now = Date.now();
  await app.get(ClientRegistryService).save({
    clientId,
    metadata: JSON.stringify({ response_types: [], redirect_uris: [], ...metadata }),
    clientType: clientTypeOf(metadata.token_endpoint_auth_method) ?? 'public',
    status: options.status ?? 'approved',
    trusted: options.trusted ?? false,
    secretHash: options.secret ? hashClientSecret(options.secret) : null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    createdBy: 'test',
    updatedBy: 'test',
    createdAt: now,
    updatedAt: now,
  });
  return clientId;
}

/** A form POST. */
export function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
}
