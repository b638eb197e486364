import { Clerk } from '@clerk/clerk-js'

const env = import.meta.env

// domain / proxyUrl go to the constructor; isSatellite and the rest to load()
export const clerk = new Clerk(env.VITE_CLERK_PUBLISHABLE_KEY, { proxyUrl: env.VITE_CLERK_PROXY_URL })

export const clerkLoaded = clerk.load({
  isSatellite: env.VITE_CLERK_IS_SATELLITE === 'true',
  signInUrl: env.VITE_CLERK_SIGN_IN_URL,
  signUpUrl: env.VITE_CLERK_SIGN_UP_URL,
})

// Sign-in and sign-up happen on the primary: mark links with data-clerk-sign-in or
// data-clerk-sign-up. Clerk builds the URL (buildSignInUrl() adds __clerk_synced=false to the
// return URL, so this app picks up the new session when the user comes back); a hard-coded
// link skips that.
void clerkLoaded.then(() => {
  document.querySelectorAll<HTMLElement>('[data-clerk-sign-in]').forEach((link) => {
    link.addEventListener('click', (event) => {
      event.preventDefault()
      window.location.assign(clerk.buildSignInUrl())
    })
  })
  document.querySelectorAll<HTMLElement>('[data-clerk-sign-up]').forEach((link) => {
    link.addEventListener('click', (event) => {
      event.preventDefault()
      window.location.assign(clerk.buildSignUpUrl())
    })
  })
})
