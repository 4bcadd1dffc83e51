/**
 * @audiogum/client/node: everything of the main entry plus the file storage, which needs node:fs.
 * @module
 */
export * from "./index.js";
export { type FileStorageOptions, fileStorage } from "./storage/file-storage.js";
