/** The integrations forms use the console's one Field (components/Field.tsx). */
export { Field } from '../Field';
