using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>What <see cref="TrainingCheckpoint.Read"/> returns besides what it loads into the model and optimisers.</summary>
internal sealed record TrainingCheckpointContents(
    TrainerState State,
    Tensor ShuffleState,
    Tensor NoiseState,
    Tensor GlobalState,
    Dictionary<string, Tensor> GeneratorStates,
    Dictionary<string, Tensor>? BestWeights);
