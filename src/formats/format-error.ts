// The one error of the formats library: a file that breaks its format. A 400 (ModelArts.4362,
// "Import data error") whose message names the file, the line and the field, so the user can fix it.
import { ApiError, apiError } from '#src/core/errors.ts';

/** Where in an input the problem is; every part optional. */
export interface FormatLocation {
  /** `/bucket/key` of the file. */
  file?: string;
  /** 1-based line number (manifests, text files). */
  line?: number;
  /** The field, e.g. `annotation[1].type` or `object[0].bndbox.xmin`. */
  field?: string;
}

export class FormatError extends ApiError {
  readonly location: FormatLocation;
  /** What is wrong, and where inside the file (line, field), without the file's name. */
  readonly problem: string;

  constructor(location: FormatLocation, problem: string) {
    const where = [location.file, location.line !== undefined ? `line ${location.line}` : undefined, location.field]
      .filter((p): p is string => p !== undefined && p !== '')
      .join(', ');
    const e = apiError(400, 'ModelArts.4362', where ? `(${where}): ${problem}` : problem);
    super(e.status, e.code, e.message);
    this.name = 'FormatError';
    this.location = location;
    const inside = [location.line !== undefined ? `line ${location.line}` : undefined, location.field].filter((p) => p !== undefined && p !== '').join(', ');
    this.problem = inside ? `${inside}: ${problem}` : problem;
  }
}
