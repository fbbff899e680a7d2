/** What one load of the module's fields costs; shown as the hint of every field that loads them. */
export const SAMPLE_SIZE = 30;

export const LOAD_COST =
	`Each load of this list spends 1 call of the token's daily quota (one sample of up to ${SAMPLE_SIZE} records of the module)`;
