// Runs @clerk/shared's isTruthy (how the SDKs read *_IS_SATELLITE) over a JSON list of strings
// given on stdin; prints a JSON list of booleans.
import { isTruthy } from '@clerk/shared/underscore'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const values = JSON.parse(Buffer.concat(chunks).toString('utf8'))
process.stdout.write(JSON.stringify(values.map((v) => isTruthy(v))))
