// The search worker's own time per query, in Node, on a built site: no browser, no network.
//
//     node bench/worker.mjs SITE [QUERY ...]              # bench/search.py's queries when none given
//     node --cpu-prof --cpu-prof-dir=/tmp/prof bench/worker.mjs SITE 疫情   # where that time goes
//     node bench/worker.mjs --against OLD.js SITE [QUERY ...]  # same answers as another worker.js?
//
// Loads overrides/assets/javascripts/archive-search/worker.js as a worker would (Material's SETUP,
// then QUERY messages) with `fetch` reading SITE's files from disk, and prints, per query, the
// milliseconds from the QUERY message to the RESULT the worker posts (what bench/search.py's
// "results shown after typing" adds browser and network time to), the bytes it read, and the
// result count. Each query runs in a fresh worker (a first query of a visit) and then once more
// in the same worker after other queries (a later one). Figures vary by a fifth on a busy VM.
// With --against, each query is evaluated by both workers instead (the pages in rank order, the
// sort orders and the filter bar's counts) and every difference is printed; exit 1 if any.

import { readFile } from "node:fs/promises"
import { fileURLToPath, pathToFileURL } from "node:url"
import path from "node:path"
import vm from "node:vm"

const HERE = path.dirname(fileURLToPath(import.meta.url))
const WORKER = path.join(HERE, "..", "overrides", "assets", "javascripts", "archive-search", "worker.js")
const SETS = JSON.parse(await readFile(path.join(HERE, "queries.json"), "utf8"))  // bench/search.py's too
const QUERIES = [...SETS.queries, ...SETS.filters]
const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

const args = process.argv.slice(2)
const against = args[0] === "--against" ? args.splice(0, 2)[1] : null
const [site, ...asked] = args
if (!site) {
  console.error("usage: node bench/worker.mjs [--against OTHER.js] SITE [QUERY ...]")
  process.exit(2)
}
const root = pathToFileURL(path.resolve(site) + "/")
const code = await readFile(WORKER, "utf8")

// One worker: a fresh global scope holding worker.js (or other code), its messages in and out.
function worker(source = code) {
  const listeners = [], posted = []
  let bytes = 0, waiting = null
  class WorkerGlobalScope {
    static [Symbol.hasInstance]() { return true }
  }
  const scope = {
    location: { href: new URL("assets/javascripts/archive-search/worker.js", root).href },
    addEventListener: (type, fn) => type === "message" && listeners.push(fn),
    postMessage: message => {
      posted.push(message)
      if (waiting) waiting()
    },
    async fetch(url) {
      const file = fileURLToPath(new URL(String(url), root))
      try {
        const data = await readFile(file)
        bytes += data.length
        return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.length),
                 json: async () => JSON.parse(data.toString("utf8")) }
      } catch {
        return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0), json: async () => ({}) }
      }
    },
    WorkerGlobalScope, BroadcastChannel: class { addEventListener() {} postMessage() {} close() {} },
    TextEncoder, TextDecoder, URL, Blob, Response, DecompressionStream, Promise, Map, Set, Math,
    performance, setTimeout, clearTimeout, console, Uint8Array, Int32Array, Float64Array,
  }
  scope.self = scope
  vm.createContext(scope)
  vm.runInContext(source, scope, { filename: WORKER })
  const next = type => new Promise(resolve => {
    const check = () => {
      const i = posted.findIndex(m => m.type === type)
      if (i >= 0) {
        waiting = null
        resolve(posted.splice(i, 1)[0])
      }
    }
    waiting = check
    check()
  })
  const send = message => listeners.forEach(fn => fn({ data: message }))
  return {
    async setup() {
      send({ type: SETUP, data: null })
      await next(READY)
    },
    async evaluate(value) {
      send({ type: "archive-search:eval", id: 1, data: value })
      const { data, error } = await next("archive-search:evaluated")
      return error ? { error } : { pages: data.pages, sorts: data.sorts, facets: data.facets }
    },
    async query(value) {
      const before = bytes, t0 = performance.now()
      send({ type: QUERY, data: value })
      const result = await next(RESULT)
      return { ms: performance.now() - t0, bytes: bytes - before, results: result.data.items.length }
    },
  }
}

const queries = asked.length ? asked : QUERIES
if (against) {
  const ours = worker(), theirs = worker(await readFile(against, "utf8"))
  await ours.setup()
  await theirs.setup()
  let differ = 0
  for (const q of queries) {
    const [a, b] = [await ours.evaluate(q), await theirs.evaluate(q)]
    const same = JSON.stringify(a) === JSON.stringify(b)
    differ += same ? 0 : 1
    console.log(`${same ? "same" : "DIFFERENT"}  ${String(a.pages ? a.pages.length : a.error).padStart(6)} results  ${q}`)
  }
  console.log(differ ? `${differ} of ${queries.length} queries answered differently` : `all ${queries.length} queries answered the same`)
  process.exit(differ ? 1 : 0)
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]
const first = [], later = []
const shared = worker()
await shared.setup()
for (const q of queries) {
  const fresh = worker()
  await fresh.setup()
  const a = await fresh.query(q)
  const b = await shared.query(q)
  first.push(a.ms)
  later.push(b.ms)
  console.log(`${a.ms.toFixed(1).padStart(7)} ms first ${b.ms.toFixed(1).padStart(7)} ms later ${(a.bytes / 1024).toFixed(0).padStart(5)} KB ${String(a.results).padStart(6)} results  ${q}`)
}
console.log(`first queries: p50 ${pct(first, 0.5).toFixed(1)} ms, p95 ${pct(first, 0.95).toFixed(1)} ms, max ${Math.max(...first).toFixed(1)} ms`)
console.log(`later queries: p50 ${pct(later, 0.5).toFixed(1)} ms, p95 ${pct(later, 0.95).toFixed(1)} ms, max ${Math.max(...later).toFixed(1)} ms`)
