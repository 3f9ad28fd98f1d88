// Hyperparameter search (policies.auto_search): the trials a search asks for, and their rewards.
// Grid search tries every combination of the parameters' points; random search draws num_samples
// points. Each trial's reward is read from its log with the reward_attrs regex; the best trial is the
// one with the largest (mode max) or smallest (mode min) reward.
import { errors } from '#src/core/errors.ts';
import type { JobAutoSearch } from '#src/modules/algorithms/index.ts';
import type { Static } from 'typebox';

type AutoSearch = Static<typeof JobAutoSearch>;

export const SEARCH_ALGORITHMS = ['grid_search', 'random_search'] as const;
export const MAX_TRIALS = 50;
const F = 'body.algorithm.policies.auto_search';

export interface SearchPlan {
  algorithm: (typeof SEARCH_ALGORITHMS)[number];
  reward: { name: string; mode: 'max' | 'min'; regex: string };
  /** Parameter values of each trial, in order. */
  trials: Record<string, string>[];
}

export interface TrialResult {
  trial: number;
  parameters: Record<string, string>;
  reward: number | null;
  exit_code: number;
}

/** A search as its job's row keeps it: the plan and the results of the trials run so far. */
export interface SearchState {
  plan: SearchPlan;
  results: TrialResult[];
}

const shownParameters = (parameters: Record<string, string>) =>
  Object.entries(parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** The service-log line that starts a trial. */
export const trialStartLine = (plan: SearchPlan, trial: number) =>
  `${plan.algorithm} trial ${trial + 1}/${plan.trials.length}: ${shownParameters(plan.trials[trial] ?? {})}`;

/** What a search's first task says at its end: the best trial, or that none reported the reward. */
export const searchSummary = (plan: SearchPlan, best: TrialResult | undefined) =>
  best
    ? `best trial ${best.trial + 1} of ${plan.trials.length}: ${shownParameters(best.parameters)} ${plan.reward.name}=${best.reward}`
    : `no trial of ${plan.trials.length} reported ${plan.reward.name}`;

type Param = NonNullable<AutoSearch['search_params']>[number];

function points(p: Param, i: number, integer: boolean): number[] | string[] {
  const where = `${F}.search_params[${i}]`;
  const type = p.param_type === 'discreate' ? 'discrete' : p.param_type;
  if (type === 'discrete') {
    const values = (p.discrete_values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length === 0) throw errors.badParam(`${where}.discrete_values: a discrete parameter needs values`);
    return values;
  }
  if (type !== 'continuous') throw errors.badParam(`${where}.param_type: continuous or discrete`);
  const lo = Number(p.lower_bound);
  const hi = Number(p.upper_bound);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw errors.badParam(`${where}: lower_bound and upper_bound must be numbers, lower <= upper`);
  const n = Number(p.discrete_points_num ?? '5');
  if (!Number.isInteger(n) || n < 1) throw errors.badParam(`${where}.discrete_points_num: a positive integer`);
  const xs = n === 1 ? [lo] : Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  return integer ? [...new Set(xs.map(Math.round))] : xs;
}

const show = (v: number | string) => (typeof v === 'number' ? String(Number(v.toPrecision(12))) : v);

/**
 * Checks the search and lists its trials. `types` gives each hyperparameter's declared type (from
 * the job's parameters), so Integer parameters get whole numbers.
 */
export function planSearch(search: AutoSearch, types: Map<string, string>, random: () => number = Math.random): SearchPlan {
  const reward = search.reward_attrs?.[0];
  if (!reward?.regex) throw errors.badParam(`${F}.reward_attrs: one metric with name, mode and regex is required`);
  try {
    new RegExp(reward.regex);
  } catch {
    throw errors.badParam(`${F}.reward_attrs[0].regex: not a valid regular expression`);
  }
  const mode = reward.mode ?? 'max';
  if (mode !== 'max' && mode !== 'min') throw errors.badParam(`${F}.reward_attrs[0].mode: max or min`);
  const params = search.search_params ?? [];
  if (params.length === 0) throw errors.badParam(`${F}.search_params: at least one parameter to search`);
  const names = params.map((p, i) => {
    if (!p.name) throw errors.badParam(`${F}.search_params[${i}].name is required`);
    if (!types.has(p.name)) throw errors.badParam(`${F}.search_params[${i}].name: ${p.name} is not a parameter of the job`);
    return p.name;
  });
  const config = search.algo_configs?.[0];
  const algorithm = (config?.name ?? 'grid_search') as SearchPlan['algorithm'];
  if (!SEARCH_ALGORITHMS.includes(algorithm)) {
    throw errors.badParam(`${F}.algo_configs[0].name: ${config?.name ?? ''} is not available here; use ${SEARCH_ALGORITHMS.join(' or ')}`);
  }
  const grids = params.map((p, i) => points(p, i, (types.get(p.name!) ?? '').toLowerCase() === 'integer'));
  let trials: Record<string, string>[];
  if (algorithm === 'grid_search') {
    trials = [{}];
    grids.forEach((values, i) => {
      trials = trials.flatMap((t) => (values as (number | string)[]).map((v) => ({ ...t, [names[i]!]: show(v) })));
    });
  } else {
    const raw = config?.params?.find((p) => p.key === 'num_samples' || p.key === 'max_trials')?.value ?? '10';
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw errors.badParam(`${F}.algo_configs[0].params: num_samples must be a positive integer`);
    trials = Array.from({ length: n }, () => {
      const t: Record<string, string> = {};
      params.forEach((p, i) => {
        const values = grids[i]!;
        const integer = (types.get(p.name!) ?? '').toLowerCase() === 'integer';
        if (p.param_type === 'continuous' && !integer) {
          const lo = Number(p.lower_bound);
          const hi = Number(p.upper_bound);
          t[names[i]!] = show(lo + (hi - lo) * random());
        } else {
          t[names[i]!] = show(values[Math.floor(random() * values.length)]!);
        }
      });
      return t;
    });
  }
  if (trials.length > MAX_TRIALS) throw errors.badParam(`${F}: ${trials.length} trials; at most ${MAX_TRIALS}`);
  return { algorithm, reward: { name: reward.name ?? 'reward', mode, regex: reward.regex }, trials };
}

/** The reward a trial printed: the last match of the regex (its first group when it has one). */
export function readReward(log: string, regex: string): number | null {
  let value: number | null = null;
  for (const m of log.matchAll(new RegExp(regex, 'g'))) {
    const n = Number(m[1] ?? m[0]);
    if (Number.isFinite(n)) value = n;
    if (m[0] === '') break;
  }
  return value;
}

export function bestTrial(results: TrialResult[], mode: 'max' | 'min'): TrialResult | undefined {
  let best: TrialResult | undefined;
  for (const r of results) {
    if (r.exit_code !== 0 || r.reward === null) continue;
    if (!best || (mode === 'max' ? r.reward > best.reward! : r.reward < best.reward!)) best = r;
  }
  return best;
}
