import { clerkMiddleware } from '@clerk/nextjs/server'

export default clerkMiddleware({
  isSatellite: true,
  domain: 'satellite-two.dev',
  signInUrl: 'https://primary.dev/sign-in',
  signUpUrl: 'https://primary.dev/sign-up',
  // satelliteAutoSync: a visitor's first visit is redirected through the primary and back to pick
  // up an existing session; that costs a redirect on every first visit. Off unless set.
  satelliteAutoSync: true,
})

export const config = {
  matcher: [
    // Skip Next.js internals and static files, unless found in search params
    '/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)',
    // Always run for API routes
    '/(api|trpc)(.*)',
    // Always run for Clerk's /__clerk routes (Frontend API proxy, handshake), .js files included
    '/__clerk/(.*)',
  ],
}
