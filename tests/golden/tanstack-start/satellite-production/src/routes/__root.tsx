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
      domain="satellite.dev"
      signInUrl="https://primary.dev/sign-in"
      signUpUrl="https://primary.dev/sign-up"
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
