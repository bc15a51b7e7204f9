/**
 * SVT's time model, one clock for every view: a deployment takes effect at
 * its `deployedAt`, except that one dated ahead of the server's clock
 * (clients' clocks may run up to 5 minutes fast; an import may carry any
 * date) takes effect when the server receives it. So nothing is ever dated
 * in the server's future, and "now", `?at=` any instant from now on,
 * history, changes, compare, DORA and the badge agree. Every write path
 * (the API, `/create`, `import`, `import-legacy`) stores what this returns.
 */

/**
 * The instant a deployment takes effect, epoch ms.
 * @param deployedAt the instant sent or stored, epoch ms
 * @param receivedAt the server's clock when the write or import arrived, epoch ms
 */
export function takesEffect(deployedAt: number, receivedAt: number): number {
  return Math.min(deployedAt, receivedAt);
}
