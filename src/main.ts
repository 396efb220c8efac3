import { createApp } from './app.factory.js';
import { EnvConfigError, loadConfig } from './config/env.config.js';

try {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  await app.listen(config.port);
} catch (err) {
  if (err instanceof EnvConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
