// vitest: both dictionaries from the start, as a page has them once useLang('en') resolved.
import { dictionaries } from './index.js';
import en from './en.js';

dictionaries.en = en;
