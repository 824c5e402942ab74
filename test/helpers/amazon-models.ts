import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Amazon's SP-API models and JSON schemas, vendored in the repository (provenance and license:
 * vendor/amazon-sp-api-models/SOURCES.md). A missing file is an error, never a skip: the tests that
 * hold the simulator and the broker to Amazon must always run.
 */
export const AMAZON_MODELS_DIR = path.resolve(import.meta.dirname, '../../vendor/amazon-sp-api-models');

export const amazonModelPath = (file: string): string => path.join(AMAZON_MODELS_DIR, file);

export const readAmazonModelText = (file: string): string => readFileSync(amazonModelPath(file), 'utf8');

export function readAmazonModel(file: string): Record<string, unknown> {
  return JSON.parse(readAmazonModelText(file)) as Record<string, unknown>;
}

/** The Swagger 2.0 API models (the files with `paths`), by file name. */
export function amazonApiModelFiles(): string[] {
  return readdirSync(AMAZON_MODELS_DIR)
    .filter((file) => file.endsWith('.json'))
    .filter((file) => 'swagger' in readAmazonModel(file))
    .sort();
}
