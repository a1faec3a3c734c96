using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Models.Variational;
using AutoEncoders.Persistence;
using AutoEncoders.Visualization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// The one evaluation every generative model of the benchmark gets: the test reconstruction error; the IWAE bound
/// with k importance samples (Burda et al., 2016) for variational models, which define a likelihood (through their
/// own <see cref="Models.Autoencoder.EvaluationMetrics"/>, so a kind with another prior computes it its way); and a
/// Fréchet distance between the test images and decoded prior samples in the feature space of a small
/// <see cref="FeatureClassifier"/> trained on the same dataset. The last is built like Heusel et al.'s (2017) FID
/// but it is not FID: the features are not Inception-v3's, and its values compare only models measured with the
/// same stored classifier and the same numbers of samples. A conditional VAE reconstructs each test image with its
/// label and decodes its prior samples with the test labels in turn, so its samples have the test set's class mix.
/// </summary>
public static class GenerativeEvaluation
{
    /// <summary>Evaluates <paramref name="trained"/> on <paramref name="test"/> in <paramref name="classifier"/>'s feature space.</summary>
    public static GenerativeMetrics Evaluate(TrainedAutoencoder trained, TensorDataset test, StoredFeatureClassifier classifier, GenerativeEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(classifier);
        options ??= new GenerativeEvaluationOptions();
        options.Validate();
        FeatureClassifierConfig shape = classifier.Info.Config;
        long values = (long)shape.Channels * shape.Height * shape.Width;
        if (test.SampleSize != values || trained.Manifest.Model.InputShape.Aggregate(1L, (a, b) => a * b) != values)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the feature classifier takes {shape.Channels}x{shape.Height}x{shape.Width} images ({values} values) but the test data has {test.SampleSize} values per example and the model takes [{string.Join(", ", trained.Manifest.Model.InputShape)}]; use a classifier trained on the model's dataset."));
        }

        ReconstructionMetrics reconstruction;
        using (var scope = torch.NewDisposeScope())
        {
            Tensor reconstructions = trained.Model is ConditionalVariationalAutoencoder conditional
                ? conditional.MapConditioned(Labelled(test), conditional.Reconstruct)
                : trained.ReconstructAll(test);
            reconstruction = ReconstructionMetrics.Compute(test.Features, reconstructions);
        }

        (double? iwae, long iwaeExamples) = ImportanceWeightedBound(trained, test, options);
        using var generator = new Generator((ulong)options.Seed);
        using var outer = torch.NewDisposeScope();
        (Tensor codes, string source) = GenerativeViews.SampleCodes(trained.Model, options.GeneratedSamples, () => trained.EncodeAll(test).reshape(test.Count, -1), generator);
        var features = new List<Tensor>();
        for (long start = 0; start < options.GeneratedSamples; start += options.BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(options.BatchSize, options.GeneratedSamples - start);
            Tensor code = codes.narrow(0, start, count).reshape([count, .. trained.Manifest.Model.CodeShape]);
            Tensor decoded;
            if (trained.Model is ConditionalVariationalAutoencoder conditional)
            {
                // The i-th sample gets the i-th test label (cycling): the samples have the test set's class mix.
                Tensor labels = Labelled(test).Labels!.index_select(0, torch.arange(start, start + count) % test.Count);
                using (conditional.Conditioned(labels.to(conditional.ParameterDevice)))
                {
                    decoded = trained.Decode(code);
                }
            }
            else
            {
                decoded = trained.Decode(code);
            }

            features.Add(classifier.Classifier.FeaturesOf(decoded.reshape(count, -1).cpu()).MoveToOuterDisposeScope());
        }

        double distance = FrechetDistance.Of(classifier.Classifier.FeaturesOf(test.Features), torch.cat(features));
        return new GenerativeMetrics
        {
            TestExamples = test.Count,
            ReconstructionSquaredError = reconstruction.SquaredErrorPerSample,
            ReconstructionMsePerValue = reconstruction.MeanSquaredError,
            ImportanceSamples = iwae is null ? 0 : options.ImportanceSamples,
            ImportanceExamples = iwaeExamples,
            ImportanceWeightedBound = iwae,
            GeneratedSamples = options.GeneratedSamples,
            SampleSource = source,
            FrechetDistance = distance,
            ClassifierAccuracy = classifier.Info.TestAccuracy,
            ClassifierTrainVsTestFrechet = classifier.Info.TrainVsTestFrechet,
        };
    }

    private static TensorDataset Labelled(TensorDataset test) =>
        test.Labels is not null ? test : throw new ArgumentException($"{test.Name}: a conditional model reconstructs and generates with labels; this test data has none.");

    /// <summary>The IWAE bound of a variational model on the first examples of <paramref name="test"/>; null for other kinds or k = 0.</summary>
    private static (double? Bound, long Examples) ImportanceWeightedBound(TrainedAutoencoder trained, TensorDataset test, GenerativeEvaluationOptions options)
    {
        if (options.ImportanceSamples == 0 || trained.Model is not VariationalModel)
        {
            return (null, 0);
        }

        long examples = Math.Min(test.Count, options.ImportanceLimit ?? test.Count);
        using TensorDataset subset = test.Slice(0, examples);
        var evaluation = new ModelEvaluationOptions { ImportanceSamples = options.ImportanceSamples, ImportanceLimit = examples, Seed = options.Seed };
        IReadOnlyDictionary<string, double> metrics = trained.Model.EvaluationMetrics(subset, evaluation);
        string key = string.Create(CultureInfo.InvariantCulture, $"iwae_k{options.ImportanceSamples}");
        return metrics.TryGetValue(key, out double bound) ? (bound, examples) : (null, 0);
    }
}
