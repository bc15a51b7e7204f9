/**
 * Promotion stages, as environment names say them, and the order in which
 * people read environments (overview columns, selectors, the compare
 * page's default pair, an application's environments).
 *
 * The rule, without SVT_ENV_ORDER: environments whose name says a stage
 * come first, stages in promotion order
 *
 *   dev (dev, development) < test < qa < staging (staging, stage)
 *     < uat (uat, preprod, pre-prod) < prod (prod, production)
 *
 * and within a stage in first-seen order; then every environment whose
 * name says no stage, in first-seen order. A name says a stage when one of
 * its words is a stage's word, case aside: words are split at `-`, `_`,
 * `.` and between letters and digits, so `prod-eu`, `eu-prod`, `us_staging`,
 * `dev2` and `Prod` are named by their stage, `devtest` and `k8s` by none
 * (`preproduction` is uat too).
 * A name whose words say two different stages (`dev-prod`) says none: its
 * place is not for SVT to guess.
 *
 * Where the stages come from: the promotion path most teams name their
 * environments after (development, test, QA, staging, user acceptance /
 * pre-production, production), the order a change travels in. Without it,
 * first-seen order puts `prod` first whenever a first deployment was
 * recorded in prod (as the README's first curl does), and every "differs
 * from the environment to its left" mark then points backwards.
 *
 * SVT_ENV_ORDER, when set, wins: the environments it lists come first, in
 * its order; the others follow by the rule above.
 */

/** The promotion stages, in promotion order. */
export const STAGES = ['dev', 'test', 'qa', 'staging', 'uat', 'prod'] as const;

export type Stage = (typeof STAGES)[number];

/** The words (lower case) that name each stage. */
const WORDS: ReadonlyMap<string, Stage> = new Map([
  ['dev', 'dev'],
  ['development', 'dev'],
  ['test', 'test'],
  ['qa', 'qa'],
  ['staging', 'staging'],
  ['stage', 'staging'],
  ['uat', 'uat'],
  ['preprod', 'uat'],
  ['preproduction', 'uat'],
  ['prod', 'prod'],
  ['production', 'prod'],
]);

/** An environment name's words, lower case: `eu-Prod2` -> eu, prod, 2. */
function words(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[-_.]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/)
    .filter((w) => w !== '');
}

/**
 * The promotion stage an environment's name says (module docstring), or
 * null when it says none, or two different ones. `pre-prod` is `preprod`
 * written in two words, not prod.
 */
export function stageOf(env: string): Stage | null {
  const found = new Set<Stage>();
  const ws = words(env);
  for (let i = 0; i < ws.length; i++) {
    let word = ws[i] ?? '';
    const next = ws[i + 1];
    if (word === 'pre' && (next === 'prod' || next === 'production')) {
      word = `pre${next}`;
      i++;
    }
    const stage = WORDS.get(word);
    if (stage !== undefined) found.add(stage);
  }
  const [only, other] = found;
  return other === undefined ? (only ?? null) : null;
}

/**
 * Environments in the order people read them: those `listed` (SVT_ENV_ORDER)
 * first, in its order, when seen; then the others by stage (STAGES order),
 * each stage's in first-seen order; then those without a stage, in
 * first-seen order. `firstSeen` is every environment, in the order the
 * store first saw them (Store.environments()); a listed name never seen is
 * left out. Returns a new array; never throws.
 */
export function orderEnvironments(
  firstSeen: readonly string[],
  listed: readonly string[] = [],
): string[] {
  const seen = new Set(firstSeen);
  const head = listed.filter((n) => seen.has(n));
  const rest = firstSeen.filter((n) => !listed.includes(n));
  const rank = (n: string) => {
    const stage = stageOf(n);
    return stage === null ? STAGES.length : STAGES.indexOf(stage);
  };
  // Array.prototype.sort is stable: equal ranks keep their first-seen order.
  return [...head, ...rest.sort((a, b) => rank(a) - rank(b))];
}

/**
 * The promotion step a reader most likely wants compared when they name
 * none, from environments in display order (orderEnvironments) and
 * SVT_ENV_ORDER: the last two listed ones, when two or more were seen;
 * else the step into the last stage seen, from the last environment of
 * the stage before it to the first of that stage (dev, qa, staging, prod,
 * prod-eu -> staging, prod); else the last two with a stage; else the
 * last two environments. Null with fewer than two environments.
 */
export function defaultComparison(
  ordered: readonly string[],
  listed: readonly string[] = [],
): { from: string; to: string } | null {
  const pair = (names: readonly string[]) => {
    const [from, to] = names.slice(-2);
    return from === undefined || to === undefined ? null : { from, to };
  };
  const listedSeen = listed.filter((n) => ordered.includes(n));
  if (listedSeen.length >= 2) return pair(listedSeen);
  const staged = ordered.filter((n) => stageOf(n) !== null);
  const lastStage = stageOf(staged.at(-1) ?? '');
  const into = staged.findIndex((n) => stageOf(n) === lastStage);
  const from = staged[into - 1];
  const to = staged[into];
  if (into > 0 && from !== undefined && to !== undefined) return { from, to };
  return pair(staged) ?? pair(ordered);
}
