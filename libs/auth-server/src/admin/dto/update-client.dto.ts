import { ApiExtraModels } from '../openapi.decorators.js';
import { CreateClientDto } from './create-client.dto.js';

/**
 * `PATCH /admin/clients/{client_id}`: a JSON merge patch of the metadata (members left out stay,
 * `null` removes one) and/or `trusted`. The result is validated as a whole.
 */
@ApiExtraModels(CreateClientDto)
export class UpdateClientDto extends CreateClientDto {}
