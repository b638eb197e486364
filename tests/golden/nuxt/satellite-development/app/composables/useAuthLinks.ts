import { useClerk } from '@clerk/nuxt/composables'

// Sign-in and sign-up happen on the primary. Let Clerk build the links: on a satellite,
// buildSignInUrl() and buildSignUpUrl() add __clerk_synced=false to the return URL, so this
// app picks up the new session when the user comes back. A hard-coded link skips that.
export function useAuthLinks() {
  const clerk = useClerk()
  return {
    signIn: () => clerk.value && window.location.assign(clerk.value.buildSignInUrl()),
    signUp: () => clerk.value && window.location.assign(clerk.value.buildSignUpUrl()),
  }
}
