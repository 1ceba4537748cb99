// The tiny VLM's pixel input (its own module in model/tiny); re-exported for the demo and SFT code that builds it.
export { imageToPixels } from '../../model';
