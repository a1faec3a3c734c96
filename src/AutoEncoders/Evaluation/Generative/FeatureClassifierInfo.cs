namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// What is known about a stored <see cref="FeatureClassifier"/> (classifier.json beside its weights): its shape, the
/// data and settings it was trained with, its test accuracy, and the Fréchet distance between the features of real
/// training and test images, the floor a perfect generator would reach with as many samples.
/// </summary>
public sealed record FeatureClassifierInfo
{
    /// <summary>The format name of classifier.json.</summary>
    public const string FormatName = "autoencoders-feature-classifier";

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The network's shape.</summary>
    public required FeatureClassifierConfig Config { get; init; }

    /// <summary>The training data's name (e.g. mnist/train).</summary>
    public required string TrainData { get; init; }

    /// <summary>Examples it was trained on.</summary>
    public long TrainExamples { get; init; }

    /// <summary>How it was trained.</summary>
    public required FeatureClassifierTrainingOptions Training { get; init; }

    /// <summary>The test data's name.</summary>
    public required string TestData { get; init; }

    /// <summary>Examples its accuracy was measured on.</summary>
    public long TestExamples { get; init; }

    /// <summary>The fraction of test images classified correctly.</summary>
    public double TestAccuracy { get; init; }

    /// <summary>d² between the features of the first <see cref="TrainVsTestExamples"/> training images and of as many test images.</summary>
    public double TrainVsTestFrechet { get; init; }

    /// <summary>Images per side behind <see cref="TrainVsTestFrechet"/>.</summary>
    public long TrainVsTestExamples { get; init; }

    /// <summary>Seconds spent training.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>When it was trained.</summary>
    public DateTimeOffset CreatedUtc { get; init; }
}
