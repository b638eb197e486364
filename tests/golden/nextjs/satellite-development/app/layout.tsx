import { ClerkProvider, Show, UserButton } from '@clerk/nextjs'
import type { ReactNode } from 'react'

import { SignInLink, SignUpLink } from '../components/auth-links'

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider
          isSatellite
          domain="localhost:3001"
          signInUrl="http://localhost:3000/sign-in"
          signUpUrl="http://localhost:3000/sign-up"
        >
          <header>
            <Show when="signed-out">
              <SignInLink /> <SignUpLink />
            </Show>
            <Show when="signed-in">
              <UserButton />
            </Show>
          </header>
          {children}
        </ClerkProvider>
      </body>
    </html>
  )
}
