/** An expected failure with a message for the operator (no stack trace needed). */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}
