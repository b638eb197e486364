// The script-tag variant: clerk.browser.js creates `window.Clerk`, an instance of the Clerk class
// from @clerk/clerk-js. The inline <script> of each generated HTML snippet is checked against it.
declare const Clerk: import('@clerk/clerk-js').Clerk
