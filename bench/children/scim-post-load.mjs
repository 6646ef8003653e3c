// The identity provider's side of the SCIM provisioning rows, in a worker thread of its own, as a real
// identity provider is another machine: `count` POST /Users at `inFlight` in flight, users named
// `<prefix><i>@example.com`; posts the elapsed milliseconds, or the first failure. It sends with
// node:http over kept-alive connections, one per lane: on this two-core machine the load shares the cores
// with Roster, and `fetch` took several times the CPU per request.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, token, prefix, count, inFlight } = workerData;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
let next = 0;

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/scim+json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function lane() {
  while (next < count) {
    const i = next++;
    const { status, text } = await post(
      JSON.stringify({
        schemas: [USER],
        userName: `${prefix}${i}@example.com`,
        externalId: `${prefix}-${i}`,
        name: { givenName: 'Scim', familyName: `User ${i}` },
        emails: [{ value: `${prefix}${i}@example.com`, type: 'work', primary: true }],
        active: true,
      }),
    );
    if (status !== 201) throw new Error(`POST answered ${status}: ${text}`);
  }
}

const started = performance.now();
Promise.all(Array.from({ length: inFlight }, lane)).then(
  () => {
    agent.destroy();
    parentPort.postMessage({ ms: performance.now() - started });
  },
  (error) => parentPort.postMessage({ error: String(error) }),
);
