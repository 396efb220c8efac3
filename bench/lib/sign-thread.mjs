// Worker thread of presignBodies(): signs a slice of client assertions and posts the bodies back.
import { parentPort, workerData } from 'node:worker_threads';
import { assertionBody, assertionSigner } from './assertions.mjs';

const { key, clientIds, aud, scope, count, offset } = workerData;
const signAssertion = assertionSigner(key);
const bodies = new Array(count);
for (let i = 0; i < count; i += 1) {
  const clientId = clientIds[(offset + i) % clientIds.length];
  bodies[i] = assertionBody(signAssertion(clientId, aud), scope);
}
parentPort.postMessage(bodies);
