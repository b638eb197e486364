import { ClerkProvider, Show, UserButton } from '@clerk/tanstack-react-start'
import { createRootRoute, HeadContent, Scripts } from '@tanstack/react-router'
import type { ReactNode } from 'react'

import { SignInLink, SignUpLink } from '../components/auth-links'

export const Route = createRootRoute({
  shellComponent: RootDocument,
})

function RootDocument({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider
      isSatellite
      domain="localhost:3001"
      signInUrl="http://localhost:3000/sign-in"
      signUpUrl="http://localhost:3000/sign-up"
    >
      <html lang="en">
        <head>
          <HeadContent />
        </head>
        <body>
          <header>
            <Show when="signed-out">
              <SignInLink /> <SignUpLink />
            </Show>
            <Show when="signed-in">
              <UserButton />
            </Show>
          </header>
          {children}
          <Scripts />
        </body>
      </html>
    </ClerkProvider>
  )
}
