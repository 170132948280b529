// Running from sources (tests, tsx): the thread loads deployment-thread.ts through tsx.
// The bundle (npm run build) has dist/deployment-thread.js instead and never loads this file.
require('tsx/cjs/api').register();
require('./deployment-thread.ts');
