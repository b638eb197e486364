import { defineNuxtConfig } from 'nuxt/config'

export default defineNuxtConfig({
  modules: ['@clerk/nuxt'],
  clerk: {
    isSatellite: true,
    domain: 'satellite.dev',
    signInUrl: 'https://primary.dev/sign-in',
    signUpUrl: 'https://primary.dev/sign-up',
  },
})
