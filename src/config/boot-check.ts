import { exitOnInvalidEnvironment } from './check-environment';

// Imported for this effect by main.ts, ahead of the app's modules: see exitOnInvalidEnvironment.
exitOnInvalidEnvironment();
