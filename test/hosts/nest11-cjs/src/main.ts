import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mountSmartAuthServer } from '@smart-openehr/auth-server';
import { AppModule } from './app.module';
import { hostConfig } from './host.config';

async function bootstrap(): Promise<void> {
  const config = hostConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config));
  mountSmartAuthServer(app);
  app.enableShutdownHooks();
  await app.listen(config.port, '127.0.0.1');
  process.stdout.write(
    `HOST READY ${JSON.stringify({ url: config.origin, issuer: config.issuer })}\n`,
  );
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(
    `HOST FAILED ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
