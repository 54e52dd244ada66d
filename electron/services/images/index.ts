/** The images of every host: list, pull (a stream), remove, prune; and reading image references. */
export { ImagesService, imageStreams } from './images-service';
export { listImages, pullImage } from './images';
export { familiarRef, parseImageRef, type ParsedRef } from './image-ref';
