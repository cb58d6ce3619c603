// `npm run bench`: every performance target of the product, measured on
// generated data, printed side by side as ratios and absolute figures.
import { benchGit } from './git.js';

const started = Date.now();
await benchGit();
console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
