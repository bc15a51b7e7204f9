// What an `explain('executionStats')` answer says about a query, in a few
// words: the stages of its winning plan (outermost first), the indexes it
// scans, whether it sorts in memory (a blocking SORT stage), and the keys
// and documents it examined for what it returned. Reads both forms MongoDB
// answers in: the classic plan tree, and the slot-based engine's
// (`winningPlan.queryPlan`); an aggregation's plan is in its first stage
// (`$cursor`) unless the server ran the whole pipeline as one plan.

/** The plan tree of a winning plan, in either engine's form. */
function tree(winningPlan) {
  return winningPlan?.queryPlan ?? winningPlan;
}

/** Every node of a plan tree, outermost first. */
function nodes(node) {
  if (node === undefined || node === null) return [];
  const children = [
    ...(node.inputStage ? [node.inputStage] : []),
    ...(node.inputStages ?? []),
    ...(node.outerStage ? [node.outerStage] : []),
    ...(node.innerStage ? [node.innerStage] : []),
  ];
  return [node, ...children.flatMap(nodes)];
}

/**
 * { stages, indexes, blockingSort, keys, docs, returned } of an explain
 * answer, for a find or an aggregate.
 */
export function summarize(explained) {
  const first = explained.stages?.[0]?.$cursor;
  const planner = first?.queryPlanner ?? explained.queryPlanner;
  const stats = first?.executionStats ?? explained.executionStats ?? {};
  const all = nodes(tree(planner?.winningPlan));
  const later = (explained.stages ?? []).slice(1).map((stage) => Object.keys(stage)[0]);
  return {
    stages: [...later.reverse(), ...all.map((n) => n.stage)],
    indexes: [...new Set(all.filter((n) => n.indexName).map((n) => n.indexName))],
    blockingSort: all.some((n) => n.stage === 'SORT'),
    keys: stats.totalKeysExamined ?? 'n/a',
    docs: stats.totalDocsExamined ?? 'n/a',
    returned: stats.nReturned ?? 'n/a',
  };
}
