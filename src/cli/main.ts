import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { EnvConfigError, loadConfig } from '../config/env.config.js';
import { CLI_USAGE, CliUsageError, parseCliArgs, type CliCommand } from './cli-args.parser.js';
import { runCliCommand } from './cli-commands.runner.js';

/** Operator CLI: `npm run cli -- <command>` (see `CLI_USAGE`). */
async function main(argv: string[]): Promise<number> {
  let command: CliCommand | 'help';
  try {
    command = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${CLI_USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  const config = loadConfig({ LOG_LEVEL: 'silent', ...process.env });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), {
    logger: false,
  });
  try {
    const result = await runCliCommand(app, command);
    const stream = result.exitCode === 0 ? process.stdout : process.stderr;
    stream.write(`${JSON.stringify(result.output, null, 2)}\n`);
    return result.exitCode;
  } finally {
    await app.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof EnvConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
