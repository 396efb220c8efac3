import { BadRequestException } from '@nestjs/common';

/**
 * Client metadata that breaks a registration rule. Rendered as RFC 7591
 * `{ "error": "invalid_client_metadata", "error_description": "<field>: <problem>" }`.
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-3.2.2
 */
export class ClientMetadataError extends BadRequestException {
  readonly error = 'invalid_client_metadata';

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super({ error: 'invalid_client_metadata', error_description: `${field}: ${problem}` });
    this.name = 'ClientMetadataError';
  }

  /** `<field>: <problem>`, as on the wire. */
  get description(): string {
    return `${this.field}: ${this.problem}`;
  }
}
