/* What other features use of the containers feature: how a container's state reads, which actions it offers, an image reference's parts. */
export { availableActions, containerStateLabel, containerStateTone, splitImage } from './container-model';
