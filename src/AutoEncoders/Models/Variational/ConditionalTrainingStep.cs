using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// How a <see cref="ConditionalVariationalAutoencoder"/> trains: the <see cref="ReconstructionStep"/> on its
/// objective, with the model conditioned on each batch's labels (a batch without labels on the zero vector,
/// "class unknown"). Refuses data whose labels lie outside the model's classes before the first step.
/// </summary>
public sealed class ConditionalTrainingStep : ReconstructionStep
{
    private readonly ConditionalVariationalAutoencoder _model;

    /// <summary>The step of <paramref name="model"/> on <paramref name="objective"/>.</summary>
    public ConditionalTrainingStep(ConditionalVariationalAutoencoder model, Objective objective)
        : base(model, objective)
    {
        _model = model;
    }

    /// <inheritdoc />
    public override void CheckData(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.CheckData(data);
        if (data.Labels is not null && data.Count > 0)
        {
            long max = data.Labels.max().item<long>();
            long min = data.Labels.min().item<long>();
            if (max >= _model.Classes || min < -1)
            {
                throw data.Refusal("labels",
                    $"expected labels in the model's classes 0..{_model.Classes - 1} (model.classes is {_model.Classes}; -1 marks an unknown label); found {(max >= _model.Classes ? max : min)}.");
            }
        }
    }

    /// <summary>Refuses training data without any labels: a recipe's conditional model would learn nothing of the classes.</summary>
    public override void CheckRunData(IBatchSource train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train is not TensorDataset { Labels: not null })
        {
            throw new ArgumentException($"data: model kind \"cvae\" is conditioned on labels, but the training data '{train.Name}' has none; name labelled data (a catalog \"dataset\", \"trainLabels\" beside \"trainImages\", or a table's \"labelColumn\").");
        }
    }

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using (_model.Conditioned(batch.Labels?.to(context.Device)))
        {
            return base.Train(batch, context);
        }
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(context);
        using (_model.Conditioned(batch.Labels?.to(context.Device)))
        {
            return base.Evaluate(batch, context, generator);
        }
    }
}
