namespace AutoEncoders.Visualization;

/// <summary>What a run report draws and how much: counts, seeds and the image shape.</summary>
public sealed record ReportOptions
{
    /// <summary>Seed for every random choice (which test images, prior samples, starting points), so a rebuilt report shows the same pictures.</summary>
    public long Seed { get; init; }

    /// <summary>The image shape of a sample (C, H, W); null infers it from the data fingerprint or the test data.</summary>
    public ImageLayout? ImageLayout { get; init; }

    /// <summary>Test images shown over their reconstructions.</summary>
    public int ReconstructionCount { get; init; } = 10;

    /// <summary>At most this many test samples (a seeded subset) feed the latent scatter and the most-activating samples.</summary>
    public int MaxTestSamples { get; init; } = 2000;

    /// <summary>Code units shown in the unit pictures.</summary>
    public int MaxUnits { get; init; } = 16;

    /// <summary>Samples per unit in the most-activating picture.</summary>
    public int TopSamplesPerUnit { get; init; } = 8;

    /// <summary>First-layer filters shown.</summary>
    public int MaxFilters { get; init; } = 100;

    /// <summary>Gradient-ascent steps of activation maximisation; 0 leaves that picture out.</summary>
    public int MaximizationSteps { get; init; } = 150;

    /// <summary>Steps along each axis of the decoded latent grid.</summary>
    public int GridSteps { get; init; } = 12;

    /// <summary>Decoded samples from the prior (or fitted Gaussian).</summary>
    public int SampleCount { get; init; } = 32;

    /// <summary>Interpolation strips.</summary>
    public int InterpolationPairs { get; init; } = 4;

    /// <summary>Decoded codes per interpolation strip.</summary>
    public int InterpolationSteps { get; init; } = 8;

    /// <summary>Checks the counts, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        Check(ReconstructionCount, 1, nameof(ReconstructionCount));
        Check(MaxTestSamples, 2, nameof(MaxTestSamples));
        Check(MaxUnits, 1, nameof(MaxUnits));
        Check(TopSamplesPerUnit, 1, nameof(TopSamplesPerUnit));
        Check(MaxFilters, 1, nameof(MaxFilters));
        Check(MaximizationSteps, 0, nameof(MaximizationSteps));
        Check(GridSteps, 2, nameof(GridSteps));
        Check(SampleCount, 1, nameof(SampleCount));
        Check(InterpolationPairs, 1, nameof(InterpolationPairs));
        Check(InterpolationSteps, 2, nameof(InterpolationSteps));
    }

    private static void Check(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"Report option {name} must be at least {minimum}; found {value}.");
        }
    }
}
