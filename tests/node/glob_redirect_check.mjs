// Runs clerk-js's allowedRedirectOrigins origin test with the real glob matcher of
// @clerk/shared (globs.toRegexp, i.e. glob-to-regexp). Input on stdin: JSON
// [{"pattern": "...", "url": "..."}]; output: JSON [true|false|"error: ..."].
// Mirrors clerk-js 6.40.0: patterns and the URL's origin have one trailing slash trimmed.
import { globs } from '@clerk/shared/globs'

const trim = (s) => (s.endsWith('/') ? s.slice(0, -1) : s)
const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const rows = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const out = rows.map(({ pattern, url }) => {
  try {
    return globs.toRegexp(trim(pattern)).test(trim(new URL(url).origin))
  } catch (e) {
    return `error: ${e.message.split('\n')[0]}`
  }
})
process.stdout.write(JSON.stringify(out))
