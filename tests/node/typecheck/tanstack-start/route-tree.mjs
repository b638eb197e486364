// Writes src/routeTree.gen.ts for each app folder given, with TanStack's own route generator
// (what the Start vite plugin runs), so tsc checks createFileRoute() ids against real route
// types. The generator also rewrites a route file whose id does not match its file name.
import { Generator, getConfig } from '@tanstack/router-generator'

for (const root of process.argv.slice(2)) {
  const config = getConfig({
    target: 'react',
    routesDirectory: './src/routes',
    generatedRouteTree: './src/routeTree.gen.ts',
    disableLogging: true,
  }, root)
  await new Generator({ config, root }).run()
}
