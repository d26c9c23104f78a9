import * as path from 'path';

/** `node -r` this to run a CLI from src/ in a fresh node (see scripts/ts-register.js). */
export const TS_REGISTER = path.join(__dirname, '..', '..', 'scripts', 'ts-register.js');
