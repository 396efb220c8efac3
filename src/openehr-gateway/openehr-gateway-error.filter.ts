import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { OpenEhrGatewayError } from './openehr-gateway.error.js';

/** The one renderer of {@link OpenEhrGatewayError}; bound on the gateway controller only. */
@Catch(OpenEhrGatewayError)
export class OpenEhrGatewayErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenEhrGateway');

  catch(exception: OpenEhrGatewayError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception.detail !== undefined) this.logger.warn(exception.message);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.setHeader('Cache-Control', 'no-store');
    if (exception.status === 503) response.setHeader('Retry-After', '30');
    response.status(exception.status).json(exception.toBody());
  }
}
