import { defineNuxtConfig } from 'nuxt/config'

export default defineNuxtConfig({
  modules: ['@clerk/nuxt'],
  clerk: {
    allowedRedirectOrigins: ['https://satellite.dev'],
  },
})
