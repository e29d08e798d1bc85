// Compiled, never run: the published .d.ts types this CommonJS usage (tsc --strict, nodenext).
import emulator = require('telnyx-account-emulator');
const p: Promise<emulator.Emulator> = emulator.startEmulator();
export const used = [p, emulator.PLATFORMS['linux-x64'], emulator.binaryPath()];
