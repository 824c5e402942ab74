import { writeFile } from 'node:fs/promises';
import { generateOpenApiYaml } from './openapi.js';

// `npm run openapi`: regenerates the committed openapi.yaml from the route schemas.
await writeFile(new URL('../openapi.yaml', import.meta.url), await generateOpenApiYaml());
console.log('openapi.yaml written');
