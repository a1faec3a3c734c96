using AutoEncoders.Data;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>Trains a <see cref="FeatureClassifier"/> on labelled images with Adam and cross-entropy, deterministically for a seed.</summary>
public static class FeatureClassifierTraining
{
    /// <summary>
    /// A classifier for the images of <paramref name="train"/> (labels required; images C x H x W or flat rows of
    /// <paramref name="config"/>'s size), trained for <paramref name="options"/>' epochs.
    /// </summary>
    public static FeatureClassifier Train(TensorDataset train, FeatureClassifierConfig config, FeatureClassifierTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new FeatureClassifierTrainingOptions();
        options.Validate();
        config.Validate();
        if (train.Labels is null)
        {
            throw train.Refusal("labels", "expected a label per training sample, as the feature classifier needs; found none.");
        }

        long values = (long)config.Channels * config.Height * config.Width;
        if (train.SampleSize != values)
        {
            throw new ArgumentException($"{train.Name}: the feature classifier takes {config.Channels}x{config.Height}x{config.Width} images ({values} values); these have {train.SampleSize}.");
        }

        TorchRuntime.EnsureLoaded();
        torch.manual_seed(options.Seed);
        var classifier = new FeatureClassifier(config);
        try
        {
            using var optimizer = torch.optim.Adam(classifier.parameters(), options.LearningRate);
            using var generator = new Generator((ulong)options.Seed);
            classifier.train();
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                foreach (Batch batch in train.Batches(options.BatchSize, shuffle: true, generator: generator))
                {
                    using var scope = torch.NewDisposeScope();
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(classifier.forward(batch.Features), batch.Labels!.to_type(ScalarType.Int64));
                    loss.backward();
                    optimizer.step();
                }
            }

            classifier.eval();
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }
}
