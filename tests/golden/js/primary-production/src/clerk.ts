import { Clerk } from '@clerk/clerk-js'

const env = import.meta.env

export const clerk = new Clerk(env.VITE_CLERK_PUBLISHABLE_KEY)

export const clerkLoaded = clerk.load({
  signInUrl: env.VITE_CLERK_SIGN_IN_URL,
  signUpUrl: env.VITE_CLERK_SIGN_UP_URL,
  allowedRedirectOrigins: ['https://satellite.dev'],
})
