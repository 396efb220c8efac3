// Signing thread for long (soak) runs: on every 'more' message, signs `chunk` fresh request bodies.
import { parentPort, workerData } from 'node:worker_threads';
import { assertionBody, assertionSigner } from './assertions.mjs';

const { key, clientIds, aud, scope, chunk } = workerData;
const signAssertion = assertionSigner(key);
let cursor = 0;
parentPort.on('message', () => {
  const bodies = new Array(chunk);
  for (let i = 0; i < chunk; i += 1) {
    const clientId = clientIds[cursor++ % clientIds.length];
    bodies[i] = assertionBody(signAssertion(clientId, aud), scope);
  }
  parentPort.postMessage(bodies);
});
