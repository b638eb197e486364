import { ClerkProvider, Show, UserButton } from '@clerk/nextjs'
import type { ReactNode } from 'react'

import { SignInLink, SignUpLink } from '../components/auth-links'

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider
          isSatellite
          proxyUrl="https://satellite-one.dev/__clerk"
          signInUrl="https://primary.dev/sign-in"
          signUpUrl="https://primary.dev/sign-up"
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
