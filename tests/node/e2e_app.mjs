// A loopback deployment for the live-trace tests: Clerk apps running the real @clerk/backend
// authenticateRequest as middleware, and a stand-in for their Frontend APIs, all over TLS on one
// port and told apart by Host (like several sites on :443), plus a plain-HTTP Backend API stand-in
// that serves handshake payloads (GET /v1/clients/handshake_payload?nonce=...).
//
// Protocol: argv[2] = TLS certificate chain PEM file, argv[3] = its key PEM file.
// 1. Listens on 127.0.0.1:0 and prints {"port": N} on stdout.
// 2. Reads one JSON line on stdin: {"jwt_private_key": PEM, "jwt_public_key": PEM, "secret_key": "sk_...",
//    "apps": [{"host", "role": "primary"|"satellite", "publishable_key", "secret_key", "is_satellite", "domain",
//              "sign_in_url", "satellite_auto_sync", "skip_paths": [...], "sign_in_path",
//              "allowed_redirect_origins": [...]}],
//    "fapis": [{"host", "instance": "production"|"development", "kind": "primary"|"satellite",
//               "primary_fapi", "cookie_domain", "returns_no_cookies", "unknown_hosts": [...]}],
//    "signed_in_clients": ["client_..."], "signed_in_dev_browsers": ["dvb_..."]}
// 3. Prints {"ready": true} and serves until killed. The tests look only at what the tracer and the
//    browser see; nothing here reports back.
//
// The Frontend API is not public code; where the protocol notes (clerk-protocol.md §11 point 1) are
// UNSURE about the satellite's intermediate hops, this stand-in uses its own paths:
//   clerk.<satellite>/v1/client/handshake -> clerk.<primary>/v1/client/satellite_sync (reads __client)
//   -> clerk.<satellite>/v1/client/satellite_return?link=... -> the app, with a handshake nonce cookie.
// ASSUMPTION (clerk-protocol.md §11 points 2 and 4): production payloads come back as a nonce cookie,
// development ones as a nonce query parameter; a client without a session gets __client_uat=0.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import readline from "node:readline";
import { createClerkClient } from "@clerk/backend";

const tls = { cert: fs.readFileSync(process.argv[2]), key: fs.readFileSync(process.argv[3]) };
const server = https.createServer(tls, (req, res) => handle(req, res).catch((err) => {
  res.writeHead(500, { "content-type": "text/plain" });
  res.end(`server error: ${err && err.message}`);
}));
const bapi = http.createServer((req, res) => bapiHandle(req, res));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
await new Promise((resolve) => bapi.listen(0, "127.0.0.1", resolve));
const port = server.address().port;
const apiUrl = `http://127.0.0.1:${bapi.address().port}`;
process.stdout.write(JSON.stringify({ port }) + "\n");

const config = JSON.parse(await new Promise((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.once("line", (line) => { rl.close(); resolve(line); });
}));
for (const level of ["log", "warn", "error", "info", "debug"]) console[level] = () => {};
process.stdout.write(JSON.stringify({ ready: true }) + "\n");

const nonces = new Map(); // nonce -> directives
const links = new Map(); // link token -> session or null
const signedInClients = new Set(config.signed_in_clients || []);
const signedInDevBrowsers = new Set(config.signed_in_dev_browsers || []);
let counter = 0;
const fresh = (prefix) => `${prefix}_${++counter}${crypto.randomBytes(4).toString("hex")}`;

function b64url(data) {
  return Buffer.from(data).toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function sessionToken(fapiHost, azp) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", kid: "ins_e2e", typ: "JWT" };
  const claims = { azp, exp: now + 60, iat: now, iss: `https://${fapiHost}`, nbf: now - 10,
    sid: "sess_e2e", sub: "user_e2e", v: 2 };
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = crypto.createSign("RSA-SHA256").update(body).sign(config.jwt_private_key);
  return `${body}.${b64url(signature)}`;
}

function cookies(req) {
  const jar = {};
  for (const part of (req.headers.cookie || "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return jar;
}

function hostOf(req) {
  return (req.headers.host || "").replace(/:\d+$/, "");
}

function redirect(res, location, setCookies = [], extra = {}) {
  res.writeHead(307, { location, "cache-control": "no-store", "set-cookie": setCookies, ...extra });
  res.end();
}

async function handle(req, res) {
  const host = hostOf(req);
  const app = config.apps.find((a) => a.host === host);
  if (app) return appHandle(app, req, res);
  const fapi = config.fapis.find((f) => f.host === host);
  if (fapi) return fapiHandle(fapi, req, res);
  res.writeHead(421, { "content-type": "text/plain" });
  res.end(`no site for host ${host}`);
}

// --- the apps: real authenticateRequest as middleware --------------------------------------------

function page(res, status, title, headers = {}) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
  res.end(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
}

// The primary's clerk-js, modelled on the server: after load on the sign-in page, a signed-in user
// is sent to redirect_url only if its origin passes allowedRedirectOrigins (same origin, or an
// exact origin in the list), else to "/" (clerk-protocol.md §6.3). Real clerk-js does this in the
// browser; here it is a 307 so that the tracer and a headless browser without Clerk's JS see it.
// Development primaries get the same model: allowedRedirectOrigins is a clerk-js check on the
// sign-in page's redirect_url in both environments, whereas the development sync hop
// (__clerk_redirect_url, primary-responds-to-syncing, §3.4 row 6) is answered by @clerk/backend
// itself, which never consults the list, so that hop stays with the real SDK. Whether clerk-js adds
// __clerk_db_jwt to this cross-origin navigation in development is not modelled: a satellite URL
// carrying __clerk_synced=false starts the sync (row 5) before it would read one (row 7).
function clerkJsTarget(app, url) {
  const wanted = url.searchParams.get("redirect_url");
  if (!wanted) return "/";
  let target;
  try { target = new URL(wanted); } catch { return "/"; }
  const allowed = (app.allowed_redirect_origins || []).map((o) => o.replace(/\/$/, ""));
  return target.origin === url.origin || allowed.includes(target.origin) ? target.href : "/";
}

async function appHandle(app, req, res) {
  const url = new URL(req.url, `https://${req.headers.host}`);
  if ((app.skip_paths || []).some((p) => url.pathname.startsWith(p))) {
    return page(res, 200, `${app.host} ${url.pathname} (no middleware on this path)`);
  }
  const secretKey = app.secret_key || config.secret_key;
  const client = createClerkClient({ secretKey, publishableKey: app.publishable_key,
    jwtKey: config.jwt_public_key, apiUrl, telemetry: { disabled: true } });
  const options = { secretKey, publishableKey: app.publishable_key, jwtKey: config.jwt_public_key };
  if (app.is_satellite) options.isSatellite = true;
  if (app.domain) options.domain = app.domain;
  if (app.sign_in_url) options.signInUrl = app.sign_in_url;
  if (app.satellite_auto_sync != null) options.satelliteAutoSync = app.satellite_auto_sync;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  let state;
  try {
    state = await client.authenticateRequest(new Request(url.href, { method: req.method, headers }), options);
  } catch (err) {
    return page(res, 500, `Clerk error: ${err.message}`);
  }
  const out = {};
  for (const [name, value] of state.headers.entries()) {
    if (name !== "set-cookie") out[name] = value;
  }
  const setCookies = state.headers.getSetCookie ? state.headers.getSetCookie() : [];
  if (state.status === "handshake" || out.location) {
    if (!out.location) return page(res, 500, "Clerk: handshake status without redirect");
    res.writeHead(307, { ...out, "set-cookie": setCookies });
    return res.end();
  }
  if (app.role === "primary" && url.pathname === (app.sign_in_path || "/sign-in") && state.status === "signed-in") {
    const target = clerkJsTarget(app, url);
    return redirect(res, target, setCookies, { "x-e2e-clerk-js": target === "/" ? "redirect-url-rejected" : "redirect-url" });
  }
  const who = state.status === "signed-in" ? `signed in as ${state.toAuth().userId}` : "signed out";
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...out, "set-cookie": setCookies });
  res.end(`<!doctype html><html><head><title>${app.host}: ${who}</title></head><body>${who}</body></html>`);
}

// --- the Frontend API stand-in ---------------------------------------------------------------------

function directives(fapi, session, azp, domainAttr) {
  const secure = "; Secure; SameSite=Lax";
  const domain = domainAttr ? `; Domain=${domainAttr}` : "";
  const clearNonce = `__clerk_handshake_nonce=; Path=/${domain}; Max-Age=0${secure}`;
  if (!session) {
    return [`__client_uat=0; Path=/${domain}; Max-Age=315360000${secure}`,
      `__session=; Path=/; Max-Age=0${secure}`, clearNonce];
  }
  const now = Math.floor(Date.now() / 1000);
  return [`__client_uat=${now}; Path=/${domain}; Max-Age=315360000${secure}`,
    `__session=${sessionToken(fapi.host + ":" + port, azp)}; Path=/${secure}`, clearNonce];
}

function originOf(href) {
  try { return new URL(href).origin; } catch { return undefined; }
}

function withParam(href, name, value) {
  const url = new URL(href);
  url.searchParams.set(name, value);
  return url.href;
}

async function fapiHandle(fapi, req, res) {
  const url = new URL(req.url, `https://${req.headers.host}`);
  const jar = cookies(req);
  const redirectUrl = url.searchParams.get("redirect_url");
  if (fapi.instance === "development" && url.pathname === "/v1/client/handshake" && redirectUrl) {
    // A development satellite the instance does not know (e.g. its domain was never added in the
    // Dashboard): like the production loop.test stand-in, FAPI sends the browser back to redirect_url
    // with no handshake payload. ASSUMPTION (clerk-protocol.md §6.3 last point, §11 point 6): the
    // real FAPI may answer such a host with an error page instead; the bounce is the loop users report.
    if ((fapi.unknown_hosts || []).includes(new URL(redirectUrl).hostname)) return redirect(res, redirectUrl);
    let devBrowser = url.searchParams.get("__clerk_db_jwt");
    if (!devBrowser) devBrowser = fresh("dvb_new");
    const nonce = fresh("nonce");
    const signedIn = signedInDevBrowsers.has(devBrowser);
    nonces.set(nonce, [...directives(fapi, signedIn, originOf(redirectUrl), null),
      `__clerk_db_jwt=${devBrowser}; Path=/; Max-Age=315360000; SameSite=Lax`]);
    return redirect(res, withParam(redirectUrl, "__clerk_handshake_nonce", nonce));
  }
  if (fapi.instance !== "production") return page(res, 404, "not found");
  if (url.pathname === "/v1/client/handshake" && redirectUrl) {
    if (fapi.returns_no_cookies) return redirect(res, redirectUrl);
    if (fapi.kind === "primary") {
      const nonce = fresh("nonce");
      nonces.set(nonce, directives(fapi, signedInClients.has(jar.__client), originOf(redirectUrl), fapi.cookie_domain));
      return redirect(res, redirectUrl, [`__clerk_handshake_nonce=${nonce}; Path=/; Domain=${fapi.cookie_domain}; Max-Age=60; Secure; SameSite=Lax`]);
    }
    const back = new URL(`https://${fapi.host}:${port}/v1/client/satellite_return`);
    back.searchParams.set("redirect_url", redirectUrl);
    const sync = new URL(`https://${fapi.primary_fapi}:${port}/v1/client/satellite_sync`);
    sync.searchParams.set("return_url", back.href);
    return redirect(res, sync.href);
  }
  if (url.pathname === "/v1/client/satellite_sync" && fapi.kind === "primary") {
    const link = fresh("link");
    links.set(link, signedInClients.has(jar.__client));
    const back = url.searchParams.get("return_url");
    if (!back) return page(res, 400, "return_url missing");
    return redirect(res, withParam(back, "link", link));
  }
  if (url.pathname === "/v1/client/satellite_return" && fapi.kind === "satellite" && redirectUrl) {
    const signedIn = links.get(url.searchParams.get("link")) === true;
    links.delete(url.searchParams.get("link"));
    const nonce = fresh("nonce");
    nonces.set(nonce, directives(fapi, signedIn, originOf(redirectUrl), fapi.cookie_domain));
    return redirect(res, redirectUrl, [
      `__client=${fresh("client_sat")}; Path=/; HttpOnly; Secure; SameSite=Lax`,
      `__clerk_handshake_nonce=${nonce}; Path=/; Domain=${fapi.cookie_domain}; Max-Age=60; Secure; SameSite=Lax`,
    ]);
  }
  return page(res, 404, "not found");
}

// --- the Backend API stand-in --------------------------------------------------------------------

function bapiHandle(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  const found = url.pathname === "/v1/clients/handshake_payload" && nonces.get(url.searchParams.get("nonce"));
  if (found) {
    nonces.delete(url.searchParams.get("nonce"));
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ directives: found }));
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ code: "resource_not_found", message: "not found" }] }));
}
