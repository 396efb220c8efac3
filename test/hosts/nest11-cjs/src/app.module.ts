import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import {
  SMART_AUTH_ENTITIES,
  SMART_AUTH_MIGRATIONS,
  SmartAuthServerModule,
  smartAuthNamingStrategy,
} from '@smart-openehr/auth-server';
import { SmartResourceServerModule } from '@smart-openehr/resource-server';
import { HostAccountsModule } from './accounts';
import { HOST_CONFIG } from './host.constants';
import type { HostConfig } from './host.config';
import { CreateNotes1800000000000 } from './notes/create-notes.migration';
import { Note } from './notes/note.entity';
import { NotesController } from './notes/notes.controller';
import { NotesSeed } from './notes/notes.seed';
import { hostClients } from './seed-clients';
import { SMART_MOUNT_PATH } from './smart-mount';

/** One DataSource for the host's entities and the auth server's, migrations of both. */
function dataSource(config: HostConfig): TypeOrmModuleOptions {
  const common = {
    entities: [Note, ...SMART_AUTH_ENTITIES],
    migrations: [...SMART_AUTH_MIGRATIONS, CreateNotes1800000000000],
    migrationsRun: true,
    synchronize: false,
    // The auth server's tables as smart_*, so they cannot collide with the host's.
    namingStrategy: smartAuthNamingStrategy({ tablePrefix: 'smart_' }),
  };
  if (config.databaseUrl?.startsWith('postgres')) {
    return { ...common, type: 'postgres', url: config.databaseUrl };
  }
  return { ...common, type: 'better-sqlite3', database: join(config.dataDir, 'host.sqlite') };
}

/** The host: its own notes API plus SMART on openEHR, on one DataSource. */
@Module({})
export class AppModule {
  static register(config: HostConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSource(config)),
        TypeOrmModule.forFeature([Note]),
        SmartAuthServerModule.forRootAsync({
          mountPath: SMART_MOUNT_PATH,
          imports: [HostAccountsModule],
          useFactory: () => ({
            issuer: config.issuer,
            clients: hostClients(config),
            services: {
              'org.openehr.rest': { baseUrl: config.apiBaseUrl, description: 'Host notes API' },
            },
          }),
        }),
        SmartResourceServerModule.forRoot({
          issuer: config.issuer,
          audience: [config.issuer, config.apiBaseUrl],
        }),
      ],
      controllers: [NotesController],
      providers: [{ provide: HOST_CONFIG, useValue: config }, NotesSeed],
    };
  }
}
