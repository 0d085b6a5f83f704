/** The answer of a request whose outcome arrives by mail. */
export class AcceptedResponseDto {
  /**
   * The same words whatever the address: the API never tells whether it has an account.
   * @example If this address can receive email, a message is on its way.
   */
  message: string;
}
