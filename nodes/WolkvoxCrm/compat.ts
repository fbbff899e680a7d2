import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * The main connection type. `NodeConnectionTypes` came with n8n 1.85 (n8n-workflow 1.83); on an
 * older n8n the import is undefined and the node would not load at all, while the value it
 * stands for has always been 'main'. With this fallback the package loads on n8n 1.49 and newer.
 */
export const MAIN_CONNECTION = NodeConnectionTypes?.Main ?? ('main' as typeof NodeConnectionTypes.Main);
