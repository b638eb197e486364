// The Nuxt app `nuxi prepare` runs on: the test copies one generated satellite's app/ and the
// generated primary's pages into app/ next to this file, so .nuxt/ declares the real
// auto-imports (useAuthLinks, useClerk), the components @clerk/nuxt registers (<Show>,
// <SignIn>, ...) and the module's typed `clerk` config key. Every variant's files are then
// checked with vue-tsc against those types (tsconfig.app.json, tsconfig.node.json).
export default defineNuxtConfig({
  modules: ['@clerk/nuxt'],
  telemetry: false,
})
