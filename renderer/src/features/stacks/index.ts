/* The compose project actions (the palette offers them too). */
export { ACTIONS as STACK_ACTIONS } from './StacksView';
