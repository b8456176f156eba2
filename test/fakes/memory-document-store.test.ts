import { MemoryDocumentStore } from "./memory-document-store.js";
import { describeDocumentStoreConformance } from "../conformance/document-store.suite.js";

describeDocumentStoreConformance("MemoryDocumentStore", async () => new MemoryDocumentStore());
