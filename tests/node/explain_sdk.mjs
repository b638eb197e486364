// The real @clerk/backend authenticateRequest for a batch of requests, options given by their
// SDK names exactly as `clerkdomains explain --option` takes them (tests/test_explain_differential.py).
//
// stdin: JSON {"package": "<npm name, default @clerk/backend>", "now_ms": <int>, "jwt_key": "<PEM>",
//              "jwks": {"keys": [...]}, "handshake_payloads": {"<nonce>": ["<Set-Cookie>", ...]},
//              "cases": [{"id", "options": {publishableKey, secretKey, isSatellite, ...}, "use_jwt_key": bool,
//                         "request": {"method", "url", "headers": [[n, v], ...]}}]}
// stdout: one JSON line per case: {"id", "status", "reason", "message", "location", "set_cookie": [...],
//         "headers": {every response header but set-cookie}} or {"id", "error": "<thrown message>"};
//         then {"id": "__summary__", "off_loopback": [...]}.
//
// Networkless: Date.now is pinned; a loopback stand-in for the Backend API (apiUrl) answers
// GET /v1/clients/handshake_payload and GET /v1/jwks; any fetch off 127.0.0.1 is refused.
import http from "node:http";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => resolve(text));
}));
const { createClerkClient } = await import(input.package || "@clerk/backend");

Date.now = () => input.now_ms;

const payloads = input.handshake_payloads || {};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const nonce = url.searchParams.get("nonce");
  if (url.pathname === "/v1/clients/handshake_payload" && payloads[nonce]) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ directives: payloads[nonce] }));
    return;
  }
  if (url.pathname === "/v1/jwks" && input.jwks) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(input.jwks));
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ code: "resource_not_found", message: "not found" }] }));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const apiUrl = `http://127.0.0.1:${server.address().port}`;

const realFetch = globalThis.fetch;
const offLoopback = [];
globalThis.fetch = (resource, init) => {
  const target = new URL(typeof resource === "string" ? resource : resource.url ?? String(resource));
  if (target.hostname !== "127.0.0.1") {
    offLoopback.push(target.href);
    return Promise.reject(new Error(`refused non-loopback fetch ${target.href}`));
  }
  return realFetch(resource, init);
};
for (const level of ["log", "warn", "error", "info", "debug"]) console[level] = () => {};

const lines = [];
for (const c of input.cases) {
  const o = { ...c.options };
  try {
    const jwtKey = c.use_jwt_key ? input.jwt_key : undefined;
    const client = createClerkClient({
      secretKey: o.secretKey, publishableKey: o.publishableKey, jwtKey, apiUrl, telemetry: { disabled: true },
    });
    delete o.apiUrl;  // a build-time option: the stand-in's URL is the one that counts
    const runtime = { ...o };
    if (jwtKey) runtime.jwtKey = jwtKey;
    const request = new Request(c.request.url, { method: c.request.method, headers: c.request.headers });
    const state = await client.authenticateRequest(request, runtime);
    const headers = {};
    for (const [name, value] of state.headers) {
      if (name !== "set-cookie") headers[name] = value;
    }
    lines.push(JSON.stringify({
      id: c.id, status: state.status, reason: state.reason, message: state.message,
      location: state.headers.get("location"), set_cookie: state.headers.getSetCookie(), headers,
    }));
  } catch (err) {
    lines.push(JSON.stringify({ id: c.id, error: err instanceof Error ? err.message : String(err) }));
  }
}
lines.push(JSON.stringify({ id: "__summary__", off_loopback: offLoopback }));
server.close();
process.stdout.write(lines.join("\n") + "\n");
