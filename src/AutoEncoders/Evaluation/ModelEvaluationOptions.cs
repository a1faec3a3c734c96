namespace AutoEncoders.Evaluation;

/// <summary>Settings of the evaluation a model kind adds to the common metrics (<see cref="Models.Autoencoder.EvaluationMetrics"/>).</summary>
public sealed record ModelEvaluationOptions
{
    /// <summary>Variational models: importance samples k for the IWAE bound on log p(x); 0 skips it (other kinds refuse a positive k).</summary>
    public int ImportanceSamples { get; init; }

    /// <summary>Variational models: compute the IWAE bound on the first N examples only; null for all.</summary>
    public long? ImportanceLimit { get; init; }

    /// <summary>Variational models: draws of z per example for the ELBO's expected log-likelihood.</summary>
    public int ElboSamples { get; init; } = 1;

    /// <summary>Generative models: examples compared with prior draws for the prior-match numbers (MMD^2); at most the data's size.</summary>
    public long PriorMatchExamples { get; init; } = 1000;

    /// <summary>Seed of the sampling.</summary>
    public long Seed { get; init; }
}
