// The part of Vite's `vite/client` types the generated code uses (vite itself is not installed):
// import.meta.env with string-indexed variables, typed `any` exactly as Vite does.
interface ImportMetaEnv {
  readonly [key: string]: any
  readonly BASE_URL: string
  readonly MODE: string
  readonly DEV: boolean
  readonly PROD: boolean
  readonly SSR: boolean
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
