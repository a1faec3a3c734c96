using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.Classification;

/// <summary>
/// How an <see cref="EncoderClassifier"/> trains: cross-entropy of the softmax head on labelled batches, updating the
/// parameters that are not frozen. Metrics: "loss" (mean cross-entropy) and "accuracy".
/// </summary>
public sealed class ClassificationStep(EncoderClassifier classifier) : TrainingStep
{
    /// <summary>The classifier.</summary>
    public EncoderClassifier Classifier { get; } = classifier ?? throw new ArgumentNullException(nameof(classifier));

    /// <inheritdoc />
    public override nn.Module Model => Classifier;

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames { get; } = ["loss", "accuracy"];

    /// <inheritdoc />
    public override string ModelIdentity => JsonSerializer.Serialize(Classifier.Config, JsonDefaults.Options);

    /// <inheritdoc />
    public override string ObjectiveIdentity => "cross_entropy";

    /// <inheritdoc />
    public override void CheckData(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw data.Refusal("labels", "expected a label per sample, as a classifier needs; found none.");
        }

        if (data.SampleSize != Classifier.Config.Layers[0])
        {
            throw data.Refusal("sample shape", $"expected {Classifier.Config.Layers[0]} values per sample, as the classifier takes; found {data.SampleSize} ([{string.Join(", ", data.SampleShape)}]).");
        }
    }

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ZeroGradients();
        (Tensor loss, Tensor accuracy) = Compute(batch, context);
        double[] host = ReadScalars([loss, accuracy]);
        GuardFinite(host, context);
        loss.backward();
        context.ClipGradients(Parameters);
        foreach (optim.Optimizer optimizer in context.Optimizers)
        {
            optimizer.step();
        }

        return host;
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator)
    {
        (Tensor loss, Tensor accuracy) = Compute(batch, context);
        return ReadScalars([loss, accuracy]);
    }

    private (Tensor Loss, Tensor Accuracy) Compute(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Tensor labels = (batch.Labels ?? throw new ArgumentException("A classifier batch needs labels.")).to(context.Device);
        Tensor logits = Classifier.forward(batch.Features.to(context.Device));

        // Accuracy in float64, so that the sample-weighted epoch mean equals correct / count to rounding.
        return (nn.functional.cross_entropy(logits, labels), logits.argmax(1).eq(labels).to(ScalarType.Float64).mean());
    }
}
