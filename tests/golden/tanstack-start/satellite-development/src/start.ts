import { clerkMiddleware } from '@clerk/tanstack-react-start/server'
import { createStart } from '@tanstack/react-start'

export const startInstance = createStart(() => {
  return {
    requestMiddleware: [clerkMiddleware({
      isSatellite: true,
      domain: 'localhost:3001',
      signInUrl: 'http://localhost:3000/sign-in',
      signUpUrl: 'http://localhost:3000/sign-up',
    })],
  }
})
