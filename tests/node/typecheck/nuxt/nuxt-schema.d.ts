// What `nuxi prepare` writes into .nuxt/types/schema.d.ts for an installed module: the
// module's options become a typed key of the Nuxt config (here `clerk`, @clerk/nuxt's configKey).
import type { NuxtModule } from '@nuxt/schema'

type ClerkModuleOptions = typeof import('@clerk/nuxt').default extends NuxtModule<infer O> ? Partial<O> : never

declare module '@nuxt/schema' {
  interface NuxtConfig {
    clerk?: ClerkModuleOptions
  }
}

declare module 'nuxt/schema' {
  interface NuxtConfig {
    clerk?: ClerkModuleOptions
  }
}
