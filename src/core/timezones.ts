/** True when `zone` is an IANA time zone name this runtime knows (one rule, in wallclock.ts). */
export { isValidTimeZone } from './wallclock.js';
