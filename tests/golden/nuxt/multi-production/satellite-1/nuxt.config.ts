import { defineNuxtConfig } from 'nuxt/config'

export default defineNuxtConfig({
  modules: ['@clerk/nuxt'],
  clerk: {
    isSatellite: true,
    proxyUrl: 'https://satellite-one.dev/__clerk',
    signInUrl: 'https://primary.dev/sign-in',
    signUpUrl: 'https://primary.dev/sign-up',
  },
})
