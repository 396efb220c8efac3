import { Module, type DynamicModule } from '@nestjs/common';
import {
  CompositionTemplateResolver,
  SmartResourceServerModule,
  type SmartResourceServerOptions,
} from '@smart-openehr/resource-server';
import { EhrApiController } from './ehr-api.controller.js';
import { InMemoryCompositionRepository } from './in-memory-composition.repository.js';
import { VitalsSummaryController } from './vitals-summary.controller.js';

/**
 * Example of an openEHR platform protecting its own REST API with the resource-server library:
 *
 * ```ts
 * const app = await NestFactory.create(
 *   EhrApiModule.register({ issuer: 'https://ehr.example.org', audience: 'https://ehr.example.org/openehr/rest/v1' }),
 * );
 * await app.listen(8080);
 * ```
 */
@Module({})
export class EhrApiModule {
  static register(resourceServer: SmartResourceServerOptions): DynamicModule {
    return {
      module: EhrApiModule,
      imports: [SmartResourceServerModule.forRoot(resourceServer)],
      controllers: [EhrApiController, VitalsSummaryController],
      providers: [
        InMemoryCompositionRepository,
        { provide: CompositionTemplateResolver, useExisting: InMemoryCompositionRepository },
      ],
    };
  }
}
