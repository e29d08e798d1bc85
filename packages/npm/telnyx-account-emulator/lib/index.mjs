// ESM entry: the same implementation as the CommonJS one (one module instance).
import cjs from './index.cjs';

export const { startEmulator, connectEmulator, Emulator, EmulatorAccount, EmulatorError, PLATFORMS, binaryPath } = cjs;
export default cjs;
