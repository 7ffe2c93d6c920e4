/** The shipped catalogue (tools/), wired into the shape selection works on. */
import { CORE_TOOLS, devTools, GTM_ALIASES, gtmTools, sharedTools } from '../tools/index.js';
import type { Catalogue } from './catalogue/select.js';

export const catalogue: Catalogue = {
  shared: sharedTools,
  dev: devTools,
  gtm: gtmTools,
  gtmAliases: GTM_ALIASES,
  core: CORE_TOOLS,
};
