import { clerkMiddleware } from '@clerk/tanstack-react-start/server'
import { createStart } from '@tanstack/react-start'

export const startInstance = createStart(() => {
  return {
    requestMiddleware: [clerkMiddleware({
      isSatellite: true,
      domain: 'satellite-two.dev',
      signInUrl: 'https://primary.dev/sign-in',
      signUpUrl: 'https://primary.dev/sign-up',
      // satelliteAutoSync: a visitor's first visit is redirected through the primary and back to pick
      // up an existing session; that costs a redirect on every first visit. Off unless set.
      satelliteAutoSync: true,
    })],
  }
})
