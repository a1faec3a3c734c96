namespace AutoEncoders.Data;

/// <summary>
/// Where a recipe's data comes from: a catalog dataset by name, or explicit files (IDX images and labels). The
/// CLI's flags override it.
/// </summary>
public sealed record DataSource
{
    /// <summary>Catalog name: "mnist", "fashion-mnist" or "kmnist".</summary>
    public string? Dataset { get; init; }

    /// <summary>IDX file of training images (instead of a catalog dataset).</summary>
    public string? TrainImages { get; init; }

    /// <summary>IDX file of training labels.</summary>
    public string? TrainLabels { get; init; }

    /// <summary>IDX file of test images.</summary>
    public string? TestImages { get; init; }

    /// <summary>IDX file of test labels.</summary>
    public string? TestLabels { get; init; }

    /// <summary>Use only the first N training samples (after any shuffling the source applies), or null for all.</summary>
    public long? TrainLimit { get; init; }

    /// <summary>Use only the first N test samples, or null for all.</summary>
    public long? TestLimit { get; init; }

    /// <summary>Checks the limits, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (TrainLimit is < 1)
        {
            throw new ArgumentException($"trainLimit must be at least 1 sample (leave it out for all); found {TrainLimit}.");
        }

        if (TestLimit is < 1)
        {
            throw new ArgumentException($"testLimit must be at least 1 sample (leave it out for all); found {TestLimit}.");
        }
    }
}
