'use client'

import { useClerk } from '@clerk/nextjs'
import type { ReactNode } from 'react'

// Sign-in and sign-up happen on the primary. Let Clerk build the links: on a satellite,
// buildSignInUrl() and buildSignUpUrl() add __clerk_synced=false to the return URL, so this
// app picks up the new session when the user comes back. A hard-coded link skips that.

export function SignInLink({ children = 'Sign in' }: { children?: ReactNode }) {
  const clerk = useClerk()
  return (
    <button type="button" onClick={() => window.location.assign(clerk.buildSignInUrl())}>
      {children}
    </button>
  )
}

export function SignUpLink({ children = 'Sign up' }: { children?: ReactNode }) {
  const clerk = useClerk()
  return (
    <button type="button" onClick={() => window.location.assign(clerk.buildSignUpUrl())}>
      {children}
    </button>
  )
}
