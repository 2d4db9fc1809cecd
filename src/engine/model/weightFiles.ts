// A student's weights as files, in the TensorFlow.js format: the model.json text and its one
// weights shard. Plain data (no TensorFlow.js), so the page can hold, save and send them.

export interface WeightFiles {
  modelJson: string;
  weights: ArrayBuffer;
}
