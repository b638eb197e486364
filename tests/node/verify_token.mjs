// Runs the real verifyToken from @clerk/backend over a corpus: networkless with jwtKey (PEM),
// or with secretKey + apiUrl (a loopback Backend API serving /v1/jwks).
// stdin: {"jwtKey": "<PEM>" | "secretKey": "sk_...", "apiUrl": "http://127.0.0.1:N", "cases": [{"id", "token", "nowMs", "authorizedParties"?, "issuer"?,
//         "clockSkewInMs"?}]}
// stdout: one JSON line per case: {"id", "valid", "reason", "message", "action", "thrown"}
// The clock is controlled by replacing Date.now for each case (the SDK's claim checks read
// `new Date(Date.now())`); cases run one after another, so the override cannot leak.
import { verifyToken } from '@clerk/backend';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const realNow = Date.now;
const lines = [];

for (const c of input.cases) {
  const options = input.jwtKey
    ? { jwtKey: input.jwtKey }
    : { secretKey: input.secretKey, apiUrl: input.apiUrl };
  if (c.authorizedParties !== undefined) options.authorizedParties = c.authorizedParties;
  if (c.issuer !== undefined) options.issuer = c.issuer;
  if (c.clockSkewInMs !== undefined) options.clockSkewInMs = c.clockSkewInMs;
  Date.now = () => c.nowMs;
  let out;
  try {
    await verifyToken(c.token, options);
    out = { id: c.id, valid: true, reason: null, message: null, action: null, thrown: null };
  } catch (err) {
    const isTve = err && typeof err.reason === 'string';
    out = {
      id: c.id,
      valid: false,
      reason: isTve ? err.reason : null,
      message: err?.message ?? null,
      action: err?.action ?? null,
      thrown: isTve ? null : String(err?.name ?? 'Error'),
    };
  } finally {
    Date.now = realNow;
  }
  lines.push(JSON.stringify(out));
}
process.stdout.write(lines.join('\n') + '\n');
