// Runs the real @clerk/backend authenticateRequest for a batch of requests.
//
// stdin: JSON {"package": "<npm name, default @clerk/backend>", "now_ms": <int>, "jwt_key": "<PEM>",
//              "handshake_payloads": {"<nonce>": ["<Set-Cookie>", ...]},
//              "cases": [{"id": ..., "options": {...}, "request": {"method", "url", "headers": [[n, v], ...]}}]}
// stdout: one JSON line per case: {"id", "status", "reason", "message", "location", "set_cookie": [...],
//         "headers": {...x-clerk-auth-*, cache-control}, "logs": [...]} or {"id", "error": "<thrown message>"}.
//
// Networkless: Date.now is pinned to now_ms; a loopback stand-in for the Backend API answers
// GET /v1/clients/handshake_payload; every fetch that is not to 127.0.0.1 is refused (and reported).
import http from "node:http";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => resolve(text));
}));
// "package" picks the release: the pinned @clerk/backend or an npm alias of an older one
// (package.json: "@clerk/backend-3.2.2": "npm:@clerk/backend@3.2.2", ...).
const { createClerkClient } = await import(input.package || "@clerk/backend");

Date.now = () => input.now_ms;

const payloads = input.handshake_payloads || {};
const bapiCalls = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  bapiCalls.push(url.pathname);
  if (url.pathname === "/v1/clients/handshake_payload" && payloads[url.searchParams.get("nonce")]) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ directives: payloads[url.searchParams.get("nonce")] }));
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

let logs = [];
for (const level of ["log", "warn", "error", "info", "debug"]) {
  console[level] = (...args) => {
    logs.push(args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
}

const lines = [];
for (const c of input.cases) {
  logs = [];
  const o = c.options;
  try {
    const client = createClerkClient({
      secretKey: o.secret_key,
      publishableKey: o.publishable_key,
      jwtKey: input.jwt_key,
      apiUrl,
      telemetry: { disabled: true },
    });
    const runtime = { secretKey: o.secret_key, publishableKey: o.publishable_key, jwtKey: input.jwt_key };
    if (o.is_satellite) runtime.isSatellite = true;
    if (o.domain != null) runtime.domain = o.domain;
    if (o.proxy_url != null) runtime.proxyUrl = o.proxy_url;
    if (o.sign_in_url != null) runtime.signInUrl = o.sign_in_url;
    if (o.sign_up_url != null) runtime.signUpUrl = o.sign_up_url;
    if (o.satellite_auto_sync != null) runtime.satelliteAutoSync = o.satellite_auto_sync;
    const request = new Request(c.request.url, { method: c.request.method, headers: c.request.headers });
    const state = await client.authenticateRequest(request, runtime);
    const headers = {};
    for (const name of ["x-clerk-auth-status", "x-clerk-auth-reason", "x-clerk-auth-message", "cache-control"]) {
      const value = state.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    lines.push(JSON.stringify({
      id: c.id,
      status: state.status,
      reason: state.reason,
      message: state.message,
      location: state.headers.get("location"),
      set_cookie: state.headers.getSetCookie(),
      headers,
      logs,
    }));
  } catch (err) {
    lines.push(JSON.stringify({ id: c.id, error: err instanceof Error ? err.message : String(err), logs }));
  }
}
lines.push(JSON.stringify({ id: "__summary__", off_loopback: offLoopback, bapi_calls: bapiCalls.length }));
server.close();
process.stdout.write(lines.join("\n") + "\n");
