// The WHERE conditions of a sample list, from its query parameters and search conditions, over the
// live samples or a version's frozen copy (both aliased `s`). JSON lookups differ per dialect.
import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from '#src/db/database.ts';
import { errors } from '#src/core/errors.ts';
import { formatObsPath, parseObsPath } from '#src/storage/obs-path.ts';
import type { LabelRef } from './sample-model.ts';
import { parseRange, parseTimeRange, type SearchCondition } from './search-conditions.ts';
import type { SampleStateFilter } from './schemas.ts';
import { SampleState } from './tables.ts';

export type Cond = RawBuilder<unknown>;

const FALSE: Cond = sql`1 = 0`;

const and = (conds: readonly Cond[]): Cond => (conds.length === 0 ? sql`1 = 1` : conds.length === 1 ? conds[0]! : sql`(${sql.join(conds, sql` and `)})`);
const or = (conds: readonly Cond[]): Cond => (conds.length === 0 ? FALSE : conds.length === 1 ? conds[0]! : sql`(${sql.join(conds, sql` or `)})`);
export const combine = (op: 'AND' | 'OR' | undefined, conds: readonly Cond[], defaultOp: 'AND' | 'OR' = 'OR'): Cond =>
  (op ?? defaultOp) === 'AND' ? and(conds) : or(conds);
export { and as allOf };

/** Sample states of the list filter; the team-labeling states match no sample (there is no team labeling here). */
export function stateCondition(state: SampleStateFilter): Cond {
  const states: Partial<Record<SampleStateFilter, number>> = {
    __ALL__: SampleState.manual,
    __NONE__: SampleState.none,
    __AUTO_ANNOTATION__: SampleState.auto,
  };
  const value = states[state];
  return value === undefined ? FALSE : sql`s.state = ${value}`;
}

/** The samples carrying a label: its number in the label set. */
export const hasLabel = (no: number): Cond => sql`s.label_set like ${`%,${no},%`}`;

const KEY = /^[^"\\\p{Cc}]{1,256}$/u;

function checkKey(key: string, field: string): void {
  if (!KEY.test(key)) throw errors.badParam(`${field}: attribute name "${key}" cannot be searched (quotes, backslashes, control characters)`);
}

export class FilterBuilder {
  constructor(
    private readonly dialect: DialectName,
    /** Labels by name (the dataset's, or the version's). */
    private readonly labels: ReadonlyMap<string, LabelRef>,
    private readonly now: number,
  ) {}

  labelNamed(name: string, type?: number): LabelRef | undefined {
    const l = this.labels.get(name);
    return l && (type === undefined || l.type === type) ? l : undefined;
  }

  labelsOfType(type: number): Cond {
    return or([...this.labels.values()].filter((l) => l.type === type).map((l) => hasLabel(l.no)));
  }

  /** Some value of a metadata key (a scalar, or an item of a list) is one of `values`. */
  private metadataIn(key: string, values: readonly string[]): Cond {
    if (values.length === 0) return FALSE;
    if (this.dialect === 'postgres') {
      return sql`exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(s.metadata::jsonb -> ${key}::text) = 'array'
        then s.metadata::jsonb -> ${key}::text else jsonb_build_array(s.metadata::jsonb -> ${key}::text) end) v where v in (${sql.join(values)}))`;
    }
    const path = `$."${key}"`;
    return sql`exists (select 1 from json_each(s.metadata, ${path}) v where cast(v.value as text) in (${sql.join(values)}))`;
  }

  private metadataNumberIn(key: string, low: number, high: number): Cond {
    if (this.dialect === 'postgres') {
      return sql`(case when jsonb_typeof(s.metadata::jsonb -> ${key}::text) = 'number' then (s.metadata::jsonb ->> ${key}::text)::float8 end) between ${low} and ${high}`;
    }
    const path = `$."${key}"`;
    return sql`(case when json_type(s.metadata, ${path}) in ('integer', 'real') then json_extract(s.metadata, ${path}) end) between ${low} and ${high}`;
  }

  /** An annotation of this label whose property matches (each key: any of its values, or present when null). */
  private annotationWith(no: number, property: Record<string, string[] | null>, op: 'AND' | 'OR' | undefined, field: string): Cond {
    const keys = Object.entries(property);
    keys.forEach(([k]) => checkKey(k, field));
    if (this.dialect === 'postgres') {
      const checks = keys.map(([k, values]) =>
        values === null
          ? sql`(a -> 'property' -> ${k}::text) is not null`
          : values.length === 0
            ? FALSE
            : sql`(a -> 'property' ->> ${k}::text) in (${sql.join(values)})`,
      );
      return sql`exists (select 1 from jsonb_array_elements(s.labels::jsonb) a where (a ->> 'label')::int = ${no} and ${combine(op, checks, 'AND')})`;
    }
    const checks = keys.map(([k, values]) => {
      const path = `$.property."${k}"`;
      return values === null
        ? sql`json_type(a.value, ${path}) is not null`
        : values.length === 0
          ? FALSE
          : sql`cast(json_extract(a.value, ${path}) as text) in (${sql.join(values)})`;
    });
    return sql`exists (select 1 from json_each(s.labels) a where json_extract(a.value, '$.label') = ${no} and ${combine(op, checks, 'AND')})`;
  }

  /** One search condition: every field it sets must hold. */
  condition(c: SearchCondition, field: string): Cond {
    const out: Cond[] = [];
    if (c.label_list?.labels && c.label_list.labels.length > 0) {
      const parts = c.label_list.labels.map((l, i) => {
        const where = `${field}.label_list.labels[${i}]`;
        if (l.name === undefined) return l.type !== undefined ? this.labelsOfType(l.type) : sql`s.label_set <> ''`;
        const label = this.labelNamed(l.name, l.type);
        if (!label) return FALSE;
        return l.property && Object.keys(l.property).length > 0 ? this.annotationWith(label.no, l.property, l.op, `${where}.property`) : hasLabel(label.no);
      });
      out.push(combine(c.label_list.op, parts));
    }
    if (c.sample_name !== undefined) out.push(sql`s.name = ${c.sample_name}`);
    if (c.sample_dir !== undefined) {
      if (!c.sample_dir.endsWith('/')) throw errors.badParam(`${field}.sample_dir must end with "/"`);
      out.push(sql`s.dir = ${formatObsPath(parseObsPath(c.sample_dir, `${field}.sample_dir`))}`);
    }
    if (c.sample_time !== undefined) {
      const r = parseTimeRange(c.sample_time, this.now, `${field}.sample_time`);
      out.push(sql`s.sample_time between ${r.from} and ${r.to}`);
    }
    if (c.hard !== undefined) out.push(sql`s.hard = ${Number(c.hard)}`);
    if (c.labeler !== undefined) out.push(sql`s.labeler = ${c.labeler}`);
    if (c.score !== undefined) {
      const r = parseRange(c.score, `${field}.score`);
      out.push(sql`s.score between ${r.low} and ${r.high}`);
    }
    if (c.coefficient !== undefined) {
      const r = parseRange(c.coefficient, `${field}.coefficient`);
      out.push(this.metadataNumberIn('@modelarts:hard_coefficient', r.low, r.high));
    }
    if (c.import_origin !== undefined) out.push(this.metadataIn('@modelarts:import_origin', [c.import_origin]));
    if (c.metadata?.props) {
      const parts = Object.entries(c.metadata.props).map(([k, values]) => {
        checkKey(k, `${field}.metadata.props`);
        return this.metadataIn(k, values);
      });
      if (parts.length > 0) out.push(combine(c.metadata.op, parts, 'AND'));
    }
    return and(out);
  }
}
