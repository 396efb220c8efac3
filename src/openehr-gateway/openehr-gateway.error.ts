import { UPSTREAM_URL_ENV } from './openehr-gateway.constants.js';

/**
 * A gateway failure that is not about the bearer token: no CDR configured (503), body too large
 * (413), CDR unreachable (502) or too slow (504). Rendered by `OpenEhrGatewayErrorFilter` as
 * `{ error, error_description }`; internal detail goes to the log only.
 */
export class OpenEhrGatewayError extends Error {
  override readonly name = 'OpenEhrGatewayError';

  private constructor(
    readonly status: 413 | 502 | 503 | 504,
    readonly error: string,
    readonly description: string,
    /** Log-only detail. */
    readonly detail?: string,
  ) {
    super(detail === undefined ? description : `${description}: ${detail}`);
  }

  static notConfigured(): OpenEhrGatewayError {
    return new OpenEhrGatewayError(
      503,
      'temporarily_unavailable',
      `no openEHR CDR is configured (${UPSTREAM_URL_ENV})`,
    );
  }

  static payloadTooLarge(limit: number): OpenEhrGatewayError {
    return new OpenEhrGatewayError(
      413,
      'invalid_request',
      `the request body exceeds ${limit} bytes`,
    );
  }

  static badGateway(detail: string): OpenEhrGatewayError {
    return new OpenEhrGatewayError(
      502,
      'bad_gateway',
      'the openEHR CDR could not be reached',
      detail,
    );
  }

  static gatewayTimeout(detail: string): OpenEhrGatewayError {
    return new OpenEhrGatewayError(
      504,
      'gateway_timeout',
      'the openEHR CDR did not answer in time',
      detail,
    );
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
