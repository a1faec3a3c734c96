using System.Globalization;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// One row of the generative benchmark (<see cref="GenerativeEvaluation"/>): the test reconstruction error, the
/// IWAE bound where the model defines a likelihood, and the Fréchet distance of decoded prior samples to the test
/// images in a small classifier's feature space (not Inception's FID).
/// </summary>
public sealed record GenerativeMetrics
{
    /// <summary>Test examples.</summary>
    public long TestExamples { get; init; }

    /// <summary>Mean over test examples of the squared error summed over an example's values (the reconstruction decodes the code, or the posterior mean).</summary>
    public double ReconstructionSquaredError { get; init; }

    /// <summary>Mean squared error per value.</summary>
    public double ReconstructionMsePerValue { get; init; }

    /// <summary>Importance samples k of <see cref="ImportanceWeightedBound"/>; 0 when not computed.</summary>
    public int ImportanceSamples { get; init; }

    /// <summary>Test examples the IWAE bound was computed on (the first ones).</summary>
    public long ImportanceExamples { get; init; }

    /// <summary>The mean IWAE bound on log p(x) in nats per example; null when the model defines no likelihood.</summary>
    public double? ImportanceWeightedBound { get; init; }

    /// <summary>Prior samples decoded for the Fréchet distance.</summary>
    public long GeneratedSamples { get; init; }

    /// <summary>Where the codes came from, in words (e.g. "the prior N(0, I)").</summary>
    public required string SampleSource { get; init; }

    /// <summary>d² between Gaussians fitted to the classifier features of the test images and of the samples.</summary>
    public double FrechetDistance { get; init; }

    /// <summary>The feature classifier's test accuracy, for reference.</summary>
    public double ClassifierAccuracy { get; init; }

    /// <summary>The classifier's train-versus-test Fréchet distance (what real images score), for reference.</summary>
    public double ClassifierTrainVsTestFrechet { get; init; }

    /// <summary>The metrics as named numbers; the IWAE key (iwae_k1000) is present only when computed.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>
        {
            ["test_examples"] = TestExamples,
            ["reconstruction_squared_error"] = ReconstructionSquaredError,
            ["reconstruction_mse_per_value"] = ReconstructionMsePerValue,
            ["generated_samples"] = GeneratedSamples,
            ["frechet_distance"] = FrechetDistance,
            ["classifier_accuracy"] = ClassifierAccuracy,
            ["classifier_train_vs_test_frechet"] = ClassifierTrainVsTestFrechet,
        };
        if (ImportanceWeightedBound is double iwae)
        {
            result[$"iwae_k{ImportanceSamples.ToString(CultureInfo.InvariantCulture)}"] = iwae;
            result["iwae_examples"] = ImportanceExamples;
        }

        return result;
    }
}
