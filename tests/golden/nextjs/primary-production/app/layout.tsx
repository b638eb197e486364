import { ClerkProvider } from '@clerk/nextjs'
import type { ReactNode } from 'react'

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider
          allowedRedirectOrigins={['https://satellite.dev']}
        >
          {children}
        </ClerkProvider>
      </body>
    </html>
  )
}
