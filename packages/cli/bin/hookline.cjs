#!/usr/bin/env node
// The CLI is TypeScript, run through tsx (a dependency of this repository), like `npm start`.
require('tsx/cjs/api').register();
require('../src/main.ts');
