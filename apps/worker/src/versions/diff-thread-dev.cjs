// Running from sources (tests, tsx): the thread loads diff-thread.ts through tsx.
// The bundle (npm run build) has dist/diff-thread.js instead and never loads this file.
require('tsx/cjs/api').register();
require('./diff-thread.ts');
