/**
 * The OAuth scope Cognito requires of an access token for its user-pool API calls made with that token
 * (GetUser, GlobalSignOut...). Tokens from InitiateAuth always carry it; tokens from the managed login
 * (OAuth) only when the app client allows the scope and the sign-in asked for it (Cognito developer
 * guide, "Understanding the access token" and "Scopes").
 */
export const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';
