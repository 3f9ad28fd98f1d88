/** The guide's rule for a label name: letters, digits, "_" and "-", 1 to 32 characters. */
export const LABEL_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;
export const LABEL_NAME_RULE = 'must have 1 to 32 letters, digits, "_" or "-"';
