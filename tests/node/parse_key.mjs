// Runs the real @clerk/shared key functions over keys read as a JSON array on stdin and
// prints one JSON object per key: parsePublishableKey (fatal) result or the first line of
// its error, the production-satellite override, getCookieSuffix and buildPublishableKey.
import { buildPublishableKey, getCookieSuffix, parsePublishableKey } from '@clerk/shared/keys';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const key of JSON.parse(input)) {
  const row = { key };
  try {
    const parsed = parsePublishableKey(key, { fatal: true });
    const satellite = parsePublishableKey(key, { fatal: true, domain: 'satellite.dev', isSatellite: true });
    row.instanceType = parsed.instanceType;
    row.frontendApi = parsed.frontendApi;
    row.satelliteFrontendApi = satellite.frontendApi;
    row.suffix = await getCookieSuffix(key);
    row.rebuilt = buildPublishableKey(parsed.frontendApi);
  } catch (error) {
    row.error = String(error.message).split('\n')[0];
  }
  out.push(row);
}
process.stdout.write(JSON.stringify(out));
