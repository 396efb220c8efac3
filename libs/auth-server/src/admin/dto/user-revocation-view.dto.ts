import { ApiProperty } from '../openapi.decorators.js';
import type { UserRevocationResult } from '../../revocation/user-revocation.service.js';

/** `POST /admin/users/{sub}/revoke`: what was revoked. */
export class UserRevocationViewDto {
  @ApiProperty({ example: 'patient' }) sub!: string;

  @ApiProperty({
    description: 'Epoch seconds: every access token of the user issued up to this is refused.',
    example: 1767225600,
  })
  revoked_before!: number;

  @ApiProperty({ description: 'Grants (refresh tokens, pending codes) deleted.' })
  grants_revoked!: number;

  @ApiProperty({ description: 'Sign-in sessions ended.' })
  sessions_ended!: number;
}

export const toUserRevocationView = (r: UserRevocationResult): UserRevocationViewDto => ({
  sub: r.sub,
  revoked_before: r.revokedBefore,
  grants_revoked: r.grantsRevoked,
  sessions_ended: r.sessionsEnded,
});
