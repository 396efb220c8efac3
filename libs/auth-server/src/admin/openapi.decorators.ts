import { loadOptionalModule } from '../common/optional-module.loader.js';

/**
 * The OpenAPI decorators of `@nestjs/swagger` when the host installed it (an optional peer
 * dependency: the admin API's `/admin/docs` needs it), otherwise decorators that do nothing, so a
 * host without it (for example on Nest 11, where the newest `@nestjs/swagger` does not install)
 * runs the same code.
 */
type Swagger = typeof import('@nestjs/swagger');

export const swagger = loadOptionalModule<Swagger>('@nestjs/swagger');

const inert =
  () =>
  (..._target: unknown[]): void =>
    undefined;

const pick = <K extends keyof Swagger>(name: K): Swagger[K] =>
  swagger ? swagger[name] : (inert as unknown as Swagger[K]);

export const ApiBadRequestResponse = pick('ApiBadRequestResponse');
export const ApiBearerAuth = pick('ApiBearerAuth');
export const ApiCreatedResponse = pick('ApiCreatedResponse');
export const ApiExcludeController = pick('ApiExcludeController');
export const ApiExtraModels = pick('ApiExtraModels');
export const ApiForbiddenResponse = pick('ApiForbiddenResponse');
export const ApiNoContentResponse = pick('ApiNoContentResponse');
export const ApiNotFoundResponse = pick('ApiNotFoundResponse');
export const ApiOkResponse = pick('ApiOkResponse');
export const ApiOperation = pick('ApiOperation');
export const ApiParam = pick('ApiParam');
export const ApiProperty = pick('ApiProperty');
export const ApiPropertyOptional = pick('ApiPropertyOptional');
export const ApiTags = pick('ApiTags');
export const ApiUnauthorizedResponse = pick('ApiUnauthorizedResponse');
