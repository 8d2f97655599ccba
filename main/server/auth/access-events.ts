/**
 * "This user's access may have changed" (disabled, deleted, role or password changed, tokens
 * revoked, device key replaced): the WebSocket server re-checks that user's open connections
 * at once instead of at its next heartbeat. Changes made by the CLI in another process are
 * caught by the heartbeat's re-check.
 */
export class AccessEvents {
  private readonly listeners: ((userPk: number) => void)[] = [];

  onChange(listener: (userPk: number) => void): void {
    this.listeners.push(listener);
  }

  changed(userPk: number): void {
    for (const l of this.listeners) l(userPk);
  }
}
