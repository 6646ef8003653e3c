// The identity provider's side of the SCIM provisioning rows, in a worker thread of its own, as a real
// identity provider is another machine: `count` POST /Users at `inFlight` in flight, users named
// `<prefix><i>@example.com`; posts the elapsed milliseconds, or the first failure.
import { parentPort, workerData } from 'node:worker_threads';

const { url, token, prefix, count, inFlight } = workerData;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
let next = 0;

async function lane() {
  while (next < count) {
    const i = next++;
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [USER],
        userName: `${prefix}${i}@example.com`,
        externalId: `${prefix}-${i}`,
        name: { givenName: 'Scim', familyName: `User ${i}` },
        emails: [{ value: `${prefix}${i}@example.com`, type: 'work', primary: true }],
        active: true,
      }),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${text}`);
  }
}

const started = performance.now();
Promise.all(Array.from({ length: inFlight }, lane)).then(
  () => parentPort.postMessage({ ms: performance.now() - started }),
  (error) => parentPort.postMessage({ error: String(error) }),
);
