import type { Request, Response } from 'express';
import type { Answer } from '../operations/idempotency.js';

/** Header a replayed idempotent POST carries, as Stripe does. */
export const IDEMPOTENT_REPLAY_HEADER = 'Idempotent-Replayed';

/** The request's `Idempotency-Key` (the validator has checked its form). */
export const idempotencyKeyOf = (req: Request): string | undefined => req.get('idempotency-key');

/** A POST's answer, first or replayed (`Idempotent-Replayed: true`). */
export function sendAnswer(res: Response, answer: Answer<unknown>): void {
  if (answer.replayed) res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
  res.status(answer.status).json(answer.body);
}
