import { ApiPropertyOptional } from '../openapi.decorators.js';
import type { IssuedClient } from '../../clients/client.types.js';
import { ClientViewDto, toClientView } from './client-view.dto.js';

/** A client right after creation, rotation or a switch to a secret: the secret is shown once. */
export class IssuedClientViewDto extends ClientViewDto {
  @ApiPropertyOptional({ description: 'Shown only in this response; store it now.' })
  client_secret?: string;

  @ApiPropertyOptional({ description: '0: the secret does not expire (RFC 7591).' })
  client_secret_expires_at?: number;
}

export function toIssuedClientView(issued: IssuedClient): IssuedClientViewDto {
  const view = toClientView(issued.client);
  if (!issued.clientSecret) return view;
  return { ...view, client_secret: issued.clientSecret, client_secret_expires_at: 0 };
}
