// Types for bundle-stamp.mjs (plain JavaScript: server/bin.mjs reads it before tsx is loaded).
export declare const ROOT: string;
export declare const BUNDLE_DIR: string;
export declare const ENTRY: string;
export declare const STAMP: string;
export declare function hashInputs(root: string, inputs: readonly string[], read?: (input: string) => Uint8Array | string): string;
export declare function freshBundle(root?: string, dir?: string): string | undefined;
