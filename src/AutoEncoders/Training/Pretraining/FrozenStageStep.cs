using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// The step of one frozen-stack stage, for dense and convolutional stacks alike: each sample of the stage's dataset
/// is the cached output of the frozen encoders (the stage's clean input) followed by the clean data (the target),
/// flattened side by side (<see cref="Dataset"/>), so that shuffling, validation splits and resume treat them as
/// one. The input is corrupted as the objective says; the reconstruction goes through the frozen outer decoders.
/// Checkpoints hold the whole deep model; only the stage's parameters are updated.
/// </summary>
internal sealed class FrozenStageStep : ReconstructionStep
{
    private readonly nn.Module _deep;
    private readonly Parameter[] _trainable;
    private readonly Action _enterTraining;
    private readonly long[] _inputShape;
    private readonly long[] _targetShape;
    private readonly string _label;

    public FrozenStageStep(Autoencoder stage, nn.Module deep, Parameter[] trainable, Action enterTraining, long[] inputShape, long[] targetShape, Objective objective, string label)
        : base(stage, objective)
    {
        (_deep, _trainable, _enterTraining, _label) = (deep, trainable, enterTraining, label);
        (_inputShape, _targetShape) = (inputShape, targetShape);
    }

    public override nn.Module Model => _deep;

    public override IEnumerable<Parameter> Parameters => _trainable;

    public override string ModelIdentity => $"{JsonSerializer.Serialize(Autoencoder.Config, JsonDefaults.Options)} {_label} (frozen stack)";

    private long InputSize => _inputShape.Aggregate(1L, (a, b) => a * b);

    private long TargetSize => _targetShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The stage's samples: [N, input values + target values].</summary>
    public static TensorDataset Dataset(Tensor stageInput, Tensor target, string name) =>
        new(torch.cat([stageInput.reshape(stageInput.shape[0], -1), target.reshape(target.shape[0], -1)], 1), name: name);

    public override void EnterTraining() => _enterTraining();

    public override void CheckData(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.SampleSize != InputSize + TargetSize)
        {
            throw new ArgumentException($"The stage data '{data.Name}' has {data.SampleSize} values per sample; {_label} takes {InputSize} input and {TargetSize} target values.");
        }
    }

    protected override (Tensor Clean, Tensor Target) Prepare(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        long n = features.shape[0];
        return (features.narrow(1, 0, InputSize).reshape([n, .. _inputShape]), features.narrow(1, InputSize, TargetSize).reshape([n, .. _targetShape]));
    }
}
