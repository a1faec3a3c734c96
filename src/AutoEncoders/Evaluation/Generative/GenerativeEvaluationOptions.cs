namespace AutoEncoders.Evaluation.Generative;

/// <summary>Settings of <see cref="GenerativeEvaluation"/>.</summary>
public sealed record GenerativeEvaluationOptions
{
    /// <summary>Samples decoded from the model's prior for the Fréchet distance (compared with all of the test set).</summary>
    public int GeneratedSamples { get; init; } = 10_000;

    /// <summary>Importance samples k of the IWAE bound, for models that define a likelihood; 0 skips it.</summary>
    public int ImportanceSamples { get; init; } = 1000;

    /// <summary>The IWAE bound is computed on the first N test examples (it costs k decodes per example); null for all.</summary>
    public long? ImportanceLimit { get; init; } = 1000;

    /// <summary>Prior draws decoded per batch (bounds the decoder's memory).</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Seeds the prior draws and the importance samples.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Refuses settings that cannot work, naming the field.</summary>
    public void Validate()
    {
        if (GeneratedSamples < 2)
        {
            throw new ArgumentException($"generated samples: the Fréchet distance needs at least 2; found {GeneratedSamples}.");
        }

        if (ImportanceSamples < 0 || ImportanceLimit is < 1)
        {
            throw new ArgumentException($"importance samples must be 0 or more and the IWAE limit at least 1; found {ImportanceSamples} and {ImportanceLimit}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
    }
}
