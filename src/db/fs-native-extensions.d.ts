// The part of fs-native-extensions (which ships no types) that data-dir-lock.ts uses.
declare module 'fs-native-extensions' {
  const fsNativeExtensions: {
    /** An exclusive lock on the whole file: true if granted, false if another descriptor holds it. */
    tryLock(fd: number): boolean;
    unlock(fd: number): void;
  };
  export default fsNativeExtensions;
}
