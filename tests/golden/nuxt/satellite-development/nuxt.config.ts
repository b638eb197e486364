import { defineNuxtConfig } from 'nuxt/config'

export default defineNuxtConfig({
  modules: ['@clerk/nuxt'],
  clerk: {
    isSatellite: true,
    domain: 'localhost:3001',
    signInUrl: 'http://localhost:3000/sign-in',
    signUpUrl: 'http://localhost:3000/sign-up',
  },
})
