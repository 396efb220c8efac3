import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ClientMetadataError } from '../errors/client-metadata.error.js';
import { OAuthError } from '../errors/oauth.error.js';

/** Marks a DTO whose validation failures are client metadata errors (RFC 7591). */
interface ClientMetadataBody {
  readonly clientMetadataBody?: true;
}

class ValidationFailed extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function firstFailure(errors: ValidationError[], parent = ''): ValidationFailed {
  const [error] = errors;
  const field = parent ? `${parent}.${error.property}` : error.property;
  if (!error.constraints && error.children?.length) return firstFailure(error.children, field);
  const problems = Object.values(error.constraints ?? {}).map((m) => {
    if (m.startsWith(`property ${error.property} `)) return 'is not a known member';
    return m.startsWith(`${error.property} `) ? m.slice(error.property.length + 1) : m;
  });
  return new ValidationFailed(field, problems.join('; ') || 'is invalid');
}

/**
 * `ValidationPipe` for the admin API and the registration endpoint, bound at the controller:
 * whitelisting, transform, and errors in wire form. Bodies of DTOs marked
 * `clientMetadataBody` fail as `invalid_client_metadata` naming the field; everything else as
 * `invalid_request`.
 */
export class AdminValidationPipe extends ValidationPipe {
  constructor(options: { forbidUnknown: boolean } = { forbidUnknown: true }) {
    super({
      whitelist: true,
      forbidNonWhitelisted: options.forbidUnknown,
      transform: true,
      exceptionFactory: (errors: ValidationError[]) => firstFailure(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const marked = (metadata.metatype as ClientMetadataBody | undefined)?.clientMetadataBody;
      if (metadata.type === 'body' && marked) throw new ClientMetadataError(err.field, err.problem);
      throw OAuthError.invalidRequest(err.message);
    }
  }
}
